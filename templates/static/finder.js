/* firstdoor finder. The pages work without it; with it, the home page filters its school
   list, marks which buses serve a ZIP code, sorts by distance (on this device, after the
   browser asks), and picks schools to compare; the compare page shows only those picked.
   Filter state lives in the address, so a filtered list can be shared. Strings come from
   the page (translated there); nothing is sent anywhere. */
(function () {
  "use strict";
  var d = document, q = new URLSearchParams(location.search);

  function fill(text, key, value) { return text.replace("{" + key + "}", value); }

  var table = d.getElementById("compare");
  if (table) {
    var chosen = (q.get("schools") || "").split(","), rows = table.tBodies[0].rows, i, shown = 0;
    for (i = 0; i < rows.length; i++) shown += chosen.indexOf(rows[i].id) >= 0;
    if (!shown) return;
    for (i = 0; i < rows.length; i++) rows[i].hidden = chosen.indexOf(rows[i].id) < 0;
    var note = d.getElementById("compare-note");
    note.firstElementChild.textContent = note.dataset.chosen;
    note.hidden = false;
    return;
  }

  var form = d.getElementById("filter");
  if (!form || !window.history) return;
  var ds = form.dataset, list = d.getElementById("school-list"), cards = [].slice.call(list.children);
  var counts = JSON.parse(ds.counts), status = d.getElementById("f-count");
  var orderNote = d.getElementById("order-note"), alphabetical = orderNote.textContent;
  var link = d.getElementById("compare-link"), linkHref = link.getAttribute("href"), linkText = link.textContent;
  var boxes = [].slice.call(d.querySelectorAll("input[name=compare]"));
  var names = ["grade", "theme", "lang", "model", "bus", "zip"], origin = null, picks = [];
  var numbers = new Intl.NumberFormat(d.documentElement.lang, { maximumFractionDigits: 1 });

  function field(name) {
    var el = form.elements[name];
    if (!el) return "";
    return el.type === "checkbox" ? (el.checked ? el.value : "") : el.value.trim();
  }
  function has(card, key, value) {
    return (" " + (card.dataset[key] || "") + " ").indexOf(" " + value + " ") >= 0;
  }
  function miles(card) {
    if (!card.dataset.lat) return Infinity;
    var r = Math.PI / 180, la1 = origin.lat * r, la2 = card.dataset.lat * r;
    var a = Math.pow(Math.sin((la2 - la1) / 2), 2) +
      Math.cos(la1) * Math.cos(la2) * Math.pow(Math.sin((card.dataset.lon - origin.lon) * r / 2), 2);
    return 7917.5 * Math.asin(Math.sqrt(a));
  }

  function apply(announce) {
    var v = {}, shown = 0;
    names.forEach(function (n) { v[n] = field(n); });
    var zip = /^\d{5}$/.test(v.zip) ? v.zip : "";
    cards.forEach(function (card) {
      var ok = (!v.grade || has(card, "grades", v.grade)) && (!v.theme || has(card, "themes", v.theme)) &&
        (!v.lang || has(card, "langs", v.lang)) && (!v.model || card.dataset.model === v.model) &&
        (!v.bus || card.dataset.bus === v.bus);
      card.hidden = !ok;
      shown += ok ? 1 : 0;
      var notes = [], served = zip && has(card, "zips", zip);
      if (zip) notes.push(fill(served ? ds.zipYes : ds.zipNo, "zip", zip));
      if (origin && card.dataset.lat) notes.push(fill(ds.away, "n", numbers.format(miles(card))));
      var note = card.querySelector(".js-note");
      note.textContent = notes.join(" · ");
      note.hidden = !notes.length;
      card.classList.toggle("served", !!served);
    });
    var state = new URLSearchParams();
    names.forEach(function (n) { if (v[n]) state.set(n, v[n]); });
    if (picks.length) state.set("compare", picks.join(","));
    var search = state.toString();
    history.replaceState(null, "", search ? "?" + search : location.pathname);
    if (announce) status.textContent = counts[shown];
  }

  function order(byDistance) {
    var sorted = cards.slice();
    if (byDistance) sorted.sort(function (a, b) { return miles(a) - miles(b); });
    sorted.forEach(function (card) { list.appendChild(card); });
    orderNote.textContent = byDistance ? ds.sorted : alphabetical;
  }

  function pick() {
    picks = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    boxes.forEach(function (b) { b.disabled = !b.checked && picks.length >= 3; });
    link.setAttribute("href", picks.length ? linkHref + "?schools=" + picks.join(",") : linkHref);
    link.textContent = picks.length ? fill(ds.compare, "n", numbers.format(picks.length)) : linkText;
  }

  names.forEach(function (n) {
    var el = form.elements[n], value = q.get(n);
    if (el && value) { if (el.type === "checkbox") el.checked = value === el.value; else el.value = value; }
  });
  var wanted = (q.get("compare") || "").split(",");
  boxes.forEach(function (b) {
    b.checked = wanted.indexOf(b.value) >= 0;
    b.closest(".pick").hidden = false;
    b.addEventListener("change", function () { pick(); apply(false); });
  });
  form.hidden = false;
  pick();
  apply(q.toString() !== "");

  form.addEventListener("change", function (e) { if (e.target.name !== "compare") apply(true); });
  form.addEventListener("input", function (e) {
    if (e.target.name === "zip" && /^(\d{5})?$/.test(e.target.value.trim())) apply(true);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  form.addEventListener("reset", function () {
    origin = null;
    setTimeout(function () { order(false); apply(true); }, 0);
  });
  var near = d.getElementById("f-near");
  if (near) near.addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = ds.geoError; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      origin = { lat: p.coords.latitude, lon: p.coords.longitude };
      order(true);
      apply(false);
      status.textContent = counts[cards.filter(function (c) { return !c.hidden; }).length] + ". " + ds.sorted;
    }, function () { status.textContent = ds.geoError; }, { timeout: 20000, maximumAge: 600000 });
  });
})();
