/* firstdoor copy buttons. The outreach kit works without this script: every text is
   selectable. With it, each text gets a button that copies exactly that text and says so
   in a status message. Strings come from the page (translated there); nothing is sent
   anywhere. Without the Clipboard API (a page served over http, an old browser) the text
   is selected instead, copied if the browser still allows it, else left for Ctrl+C. */
(function () {
  "use strict";
  var d = document, kits = d.getElementById("kits");
  if (!kits) return;
  var labels = kits.dataset, shown = null;

  function selectText(pre) {
    var range = d.createRange(), selection = window.getSelection();
    range.selectNodeContents(pre);
    selection.removeAllRanges();
    selection.addRange(range);
    try { return d.execCommand("copy"); } catch (e) { return false; }
  }

  function copy(pre, done) {
    var text = pre.textContent;
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); },
        function () { done(selectText(pre)); });
    } else {
      done(selectText(pre));
    }
  }

  function addButton(pre) {
    var button = d.createElement("button"), note = d.createElement("span");
    var actions = pre.nextElementSibling, section = pre.closest("section");
    if (!actions || !actions.classList.contains("kit-actions")) {
      actions = d.createElement("p");
      actions.className = "kit-actions";
      pre.parentNode.insertBefore(actions, pre.nextSibling);
    }
    button.type = "button";
    button.className = "copy-button";
    button.id = pre.id + "-copy";
    button.textContent = labels.copy;
    // The name says which text: "Copy", the item's heading, then the school's.
    button.setAttribute("aria-labelledby", [button.id, pre.id + "-title",
      section ? section.getAttribute("aria-labelledby") : ""].join(" ").trim());
    note.className = "copy-note";
    note.setAttribute("role", "status");
    note.setAttribute("aria-live", "polite");
    button.addEventListener("click", function () {
      if (shown) shown.textContent = "";
      note.textContent = "";
      shown = note;
      copy(pre, function (ok) {
        // A moment later, so the same message said twice is announced twice.
        setTimeout(function () {
          note.textContent = ok ? labels.copied : labels.copyFailed;
          note.classList.toggle("copied", ok);
        }, 50);
      });
    });
    actions.insertBefore(button, actions.firstChild);
    actions.appendChild(note);
  }

  [].forEach.call(kits.querySelectorAll("pre.copy[id]"), addButton);
})();
