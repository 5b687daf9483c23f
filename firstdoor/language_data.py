"""Built-in data for common US district languages that CLDR lacks or gets wrong.

A district can override any of it, or add another language, in `language_overrides`.
Each entry names its source. Keys mirror `LanguageOverride` plus `list_two`/`list_end`
(how to join the last two items of a list, replacing the borrowed locale's word for
"and") and `cldr_names` (False when CLDR's names of other languages would be in the
wrong language, so endonyms are shown instead).
"""

from __future__ import annotations

from typing import Any

BUILTIN_LANGUAGES: dict[str, dict[str, Any]] = {
    # White Hmong (Hmoob Dawb) in the Romanized Popular Alphabet, the script US Hmong
    # families read. CLDR has no `hmn`; its `hnj` is Nyiakeng Puachue Hmong, another
    # script. Month names ("Lub Ib Hlis" = first month...) and weekday names ("Hnub Ib"
    # = first day, Monday) as in Saint Paul Public Schools' and the Minnesota Department
    # of Education's Hmong family notices; "thiab" = "and" (Heimbach, White Hmong-English
    # Dictionary). Dates borrow the US English patterns (12-hour clock) families use.
    "hmn": {
        "name": "Hmoob",
        "english_name": "Hmong",
        "direction": "ltr",
        "formats_like": "en",
        "months": ["Lub Ib Hlis", "Lub Ob Hlis", "Lub Peb Hlis", "Lub Plaub Hlis",
                   "Lub Tsib Hlis", "Lub Rau Hlis", "Lub Xya Hlis", "Lub Yim Hli",
                   "Lub Cuaj Hlis", "Lub Kaum Hli", "Lub Kaum Ib Hlis", "Lub Kaum Ob Hlis"],
        "days": ["Hnub Ib", "Hnub Ob", "Hnub Peb", "Hnub Plaub", "Hnub Tsib", "Hnub Rau",
                 "Hnub Xya"],
        "date_format": "d MMMM y",
        "plural_forms": "nplurals=1; plural=0;",
        "list_two": "{0} thiab {1}",
        "list_end": "{0}, thiab {1}",
        "cldr_names": False,
    },
    # Haitian Creole. CLDR's `ht` copies French month and day names ("29 janvier") and
    # French list words ("et"). Kreyòl names from the Haitian Creole orthography used by
    # the Boston and Miami-Dade public schools' family notices and the Akademi Kreyòl
    # Ayisyen: janvye, fevriye, mas...; lendi, madi, mèkredi...; "ak" = "and".
    "ht": {
        "name": "Kreyòl ayisyen",
        "english_name": "Haitian Creole",
        "direction": "ltr",
        "formats_like": "ht",
        "months": ["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out",
                   "septanm", "oktòb", "novanm", "desanm"],
        "days": ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"],
        "date_format": "d MMMM y",
        "plural_forms": "nplurals=2; plural=(n != 1);",
        "list_two": "{0} ak {1}",
        "list_end": "{0} ak {1}",
        "cldr_names": False,
    },
    # Dari, the Persian of Afghanistan. CLDR has no `prs`; its `fa_AF` (Persian as written
    # in Afghanistan) carries the Afghan month names (جنوری، فبروری...) and right-to-left
    # patterns Dari readers expect, so Dari borrows it whole.
    "prs": {
        "name": "دری",
        "english_name": "Dari",
        "direction": "rtl",
        "formats_like": "fa-AF",
        "plural_forms": "nplurals=2; plural=(n > 1);",
    },
}


PLURAL_FORMS_FIXES: dict[str, str] = {
    # Babel 2.x derives "n%100>=0 && n%100<=2 ? 4" for Arabic, which puts 11-99 in "other"
    # and 100-102 in "many"; this is the rule of GNU gettext's and CLDR's plural tables.
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
          "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
}
"""Plural rules where Babel's generated gettext expression is wrong."""
