"""The Jinja environment and what every template can use.

One environment per build (templates are compiled once); per-language behaviour comes
from the render context (`translator`, `fmt`), never from global state. Filters that
need the page's language read it from the context: `{{ school.tagline|t }}`,
`{{ school.description|md }}`, `{{ deadline|moment }}`.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any, Callable

from jinja2 import (ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, Undefined, pass_context, select_autoescape)
from jinja2.runtime import Context
from markupsafe import Markup, escape

from firstdoor.defaults import builtin_dir
from firstdoor.errors import ContentError, Problem
from firstdoor.security import CONTENT_SECURITY_POLICY, json_for_script
from firstdoor.values import Prose


class Recorded:
    """A render context value that calls `note` each time a template looks it up, then shows as `value`.

    Incremental builds put the values derived from the date in the context this way
    (`tracking.track_context`): a page that looks one up depends on it, the others do not.
    """

    __slots__ = ("value", "note")

    def __init__(self, value: Any, note: Callable[[], object]) -> None:
        self.value, self.note = value, note


class RecordingContext(Context):
    """A template context handing out each `Recorded` value as its value, noting the lookup.

    Every template variable, in pages, blocks, macros, `{% include %}` and `{% import ...
    with context %}`, is looked up through `resolve_or_missing`. Jinja looks a template's
    variables up where a block or macro starts, so a value in a branch not taken still
    counts as used: a page can only be rendered again too often, never too rarely.
    """

    def resolve_or_missing(self, key: str) -> Any:
        """The value of `key`, a `Recorded` one noted and unwrapped."""
        value = super().resolve_or_missing(key)
        if type(value) is Recorded:
            value.note()
            return value.value
        return value


class RecordingEnvironment(Environment):
    """A Jinja environment that notes the name of every template asked for while `recorded` is a set.

    Pages, `{% extends %}`, `{% include %}` and `{% import %}` all load templates through
    `get_template`/`select_template`, so the names noted while a unit renders are exactly
    the templates its output depends on (incremental builds re-render only the units that
    used an edited template).
    """

    recorded: set[str] | None = None
    context_class = RecordingContext

    def get_template(self, name: Any, parent: str | None = None, globals: Any = None) -> Any:
        """Load a template, noting its name."""
        if self.recorded is not None and isinstance(name, str):
            self.recorded.add(name)
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None, globals: Any = None) -> Any:
        """Load the first template that exists, noting every name tried (adding an earlier one changes the choice)."""
        if self.recorded is not None and not isinstance(names, Undefined):
            self.recorded.update(name for name in names if isinstance(name, str))
        return super().select_template(names, parent, globals)


def template_folders(site_templates: Path) -> list[Path]:
    """Where templates are looked up, first match wins: the site's own folder, then firstdoor's defaults."""
    folders = [site_templates] if site_templates.is_dir() else []
    default = builtin_dir("templates")
    if default.resolve() not in [f.resolve() for f in folders]:
        folders.append(default)
    return folders


def create_environment(site_templates: Path) -> RecordingEnvironment:
    """A Jinja environment reading the site's templates first, then firstdoor's defaults."""
    env = RecordingEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders(site_templates)]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
        auto_reload=False,  # templates do not change during a build: no stat() per page
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals["csp"] = Markup(CONTENT_SECURITY_POLICY)
    env.filters["json_script"] = json_for_script
    env.filters.update(
        t=_translate_text,
        md=_translate_markdown,
        plain=_translate_plain,
        date=_format("date"),
        longdate=_format("date_with_weekday"),
        moment=_format("moment"),
        clock=_format("time"),
        number=_format("number"),
        join_list=_join_list,
        language_name=_format("language_name"),
        file_size=_format("file_size"),
    )
    return env


@pass_context
def _translate_text(context: Context, value: Prose | None) -> Markup:
    return context["translator"].text(value)  # type: ignore[no-any-return]


@pass_context
def _translate_markdown(context: Context, value: Prose | None) -> Markup:
    return context["translator"].markdown(value)  # type: ignore[no-any-return]


@pass_context
def _translate_plain(context: Context, value: Prose | None) -> str:
    return context["translator"].plain(value)  # type: ignore[no-any-return]


@pass_context
def _join_list(context: Context, items: Any) -> Markup:
    """Join items the language's way ("a, b and c"), keeping translated markup intact."""
    return Markup(context["fmt"].list([escape(item) for item in items]))


def _format(method: str) -> Any:
    @pass_context
    def apply(context: Context, value: Any, *args: Any) -> str:
        return getattr(context["fmt"], method)(value, *args)  # type: ignore[no-any-return]
    return apply


def relative_url(from_page: str, target: str) -> str:
    """A link from the page at URL `from_page` to `target`, both below the site root.

    Relative links let the site work under any path (`example.org/choice/`) and in a preview.
    """
    base = posixpath.dirname(from_page.rstrip("/") + "/x") if from_page.endswith("/") \
        else posixpath.dirname(from_page)
    if _CLEAN_PATH.match(base) and _CLEAN_PATH.match(target):
        rel = _relative_parts(base, target)  # every link of every page comes here: no syscalls, no normpath
    else:
        rel = posixpath.relpath("/" + target, "/" + base) if target else posixpath.relpath("/", "/" + base)
    if target.endswith("/") or target == "":
        rel = rel.rstrip("/") + "/"
        if rel == "./":
            return "./"
    return rel


_CLEAN_PATH = re.compile(r"^(?:(?!\.\.?(?:/|$))[^/]+(?:/(?!\.\.?(?:/|$))[^/]+)*/?)?$")
"""A path below the root with no empty, `.` or `..` segment: `posixpath.relpath` needs no normalising."""


def _relative_parts(base: str, target: str) -> str:
    """`posixpath.relpath("/" + target, "/" + base)` for clean paths, by comparing segments."""
    base_parts = base.rstrip("/").split("/") if base.rstrip("/") else []
    target_parts = target.rstrip("/").split("/") if target.rstrip("/") else []
    common = 0
    while common < min(len(base_parts), len(target_parts)) and base_parts[common] == target_parts[common]:
        common += 1
    return "/".join([".."] * (len(base_parts) - common) + target_parts[common:]) or "."


def render_template(env: Environment, name: str, context: dict[str, Any], label: str) -> str:
    """Render one template, turning a template mistake into a clear error naming the page."""
    try:
        return env.get_template(name).render(context)
    except TemplateNotFound as exc:
        raise ContentError([Problem(file=f"templates/{exc.name}", message=f"the template {exc.name} is missing "
                                    f"(needed for {label})", hint="restore it from firstdoor's default templates, "
                                    "or delete your copy's folder so the defaults are used")]) from None
    except TemplateError as exc:
        lineno = getattr(exc, "lineno", None)
        source = getattr(exc, "filename", None) or name
        raise ContentError([Problem(file=str(source), line=lineno,
                                    message=f"template error while rendering {label}: {exc}",
                                    hint="check the template near this line")]) from None
