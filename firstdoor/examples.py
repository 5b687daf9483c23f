"""Example values for every key of the content model, as YAML text.

One table feeds both the scaffolds of `firstdoor new` and the example column of
`docs/content-reference.md`, so the two always agree. Keys are dotted paths in the
model (`admission.last_year.applicants`); `[]` stands for "an item of this list".
`{today+N}` becomes the date N days from the day the scaffold is written, so a new
site's dates lie ahead of it.
"""

from __future__ import annotations

SCHOOL: dict[str, str] = {
    "name": "Lincoln STEM Academy",
    "themes": "[stem]",
    "tagline": "Build, test and invent every day.",
    "description": "Children learn science and math by doing. They plant seeds, build bridges and code small "
                   "robots.\n\nA normal day starts with a morning meeting and reading time.",
    "grades": "K-5",
    "model": "whole-school",
    "seats": "75",
    "address": "1200 Lincoln Ave, Riverside, MN 55104",
    "location": "{lat: 44.9537, lon: -93.0900}",
    "phone": "\"+1 555 0142\"",
    "email": "lincoln@district.example.org",
    "website": "https://lincoln.district.example.org/",
    "nces_id": "\"270000000001\"",
    "hours": "{start: \"07:50\", end: \"14:20\"}",
    "care.before": "true",
    "care.after": "true",
    "care.details": "Community Education runs care in the school building. Help paying is available.",
    "languages.instruction": "[en, es]",
    "languages.staff": "[es, hmn]",
    "services": "[special-education, english-learners]",
    "accessibility.level": "full",
    "accessibility.details": "The school is on one floor. The main entrance has a ramp and an automatic door.",
    "highlights": "[Robotics club from grade 2, A school garden where every class grows food]",
    "admission.method": "lottery",
    "admission.priorities": "[sibling, neighborhood]",
    "admission.requirements": "Come to a short audition. Your child does not need to prepare.",
    "admission.last_year.applicants": "412",
    "admission.last_year.offers": "75",
    "transportation.bus": "free",
    "transportation.details": "A free bus comes from the ZIP codes below. Children who live within one mile "
                              "walk with a crossing guard.",
    "transportation.stops[].place": "Westside Community Center",
    "transportation.stops[].time": "\"07:05\"",
    "transportation.transit": "City bus routes stop one block from the school.",
    "transportation.zip_codes": "[\"55101\", \"55104\"]",
    "transportation.interdistrict": "false",
    "application.deadline": "{today+60}T17:00",
    "application.steps[].title": "Come to an audition",
    "application.steps[].details": "Sign up for a time on the school's website.",
    "application.steps[].date": "{today+45}",
    "events[].title": "Open house",
    "events[].start": "{today+14}T10:00",
    "events[].end": "{today+14}T12:00",
    "events[].place": "School gym",
    "events[].languages": "[es, hmn]",
    "events[].details": "Meet the teachers and see the classrooms. Children are welcome.",
    "images[].src": "lincoln-stem-academy/garden.jpg",
    "images[].alt": "Two students water tomato plants in the school garden",
    "aliases": "[lincoln-elementary]",
}

SCHOOL_PLACEHOLDERS: dict[str, str] = {
    "themes": "one or more keys of the district's themes, e.g. [stem]",
    "tagline": "one line about the school, at most 120 characters",
    "description": "what a day at the school is like, in short paragraphs and everyday words",
    "grades": "the grades, e.g. K-5, 6-8 or 9-12",
    "model": "whole-school or program-within-school",
    "address": "the street address, e.g. 1200 Lincoln Ave, Riverside, MN 55104",
    "admission.method": "lottery, weighted-lottery, interview, essay, audition, portfolio or test",
    "transportation.bus": "free, limited or none",
}
"""What each required school value is, written into its `<<FILL IN: ...>>` placeholder."""

DISTRICT: dict[str, str] = {
    "name": "Example Unified School District",
    "short_name": "Example USD",
    "base_url": "https://choice.district.example.org/",
    "timezone": "America/Chicago",
    "default_language": "en",
    "languages": "[en, es]",
    "language_overrides{}.name": "Hmoob",
    "language_overrides{}.english_name": "Hmong",
    "language_overrides{}.direction": "ltr",
    "language_overrides{}.formats_like": "en",
    "language_overrides{}.months": "[Lub Ib Hlis, Lub Ob Hlis, Lub Peb Hlis, Lub Plaub Hlis, Lub Tsib Hlis, "
                                   "Lub Rau Hlis, Lub Xya Hlis, Lub Yim Hli, Lub Cuaj Hlis, Lub Kaum Hli, "
                                   "Lub Kaum Ib Hlis, Lub Kaum Ob Hlis]",
    "language_overrides{}.days": "[Hnub Ib, Hnub Ob, Hnub Peb, Hnub Plaub, Hnub Tsib, Hnub Rau, Hnub Xya]",
    "language_overrides{}.date_format": "\"d MMMM y\"",
    "language_overrides{}.plural_forms": "\"nplurals=1; plural=0;\"",
    "intro": "A magnet school is a free public school with a special focus, like science or the arts. "
             "Any child who lives in the district can apply.\n\n**List more than one school.** It gives your "
             "child more chances to get a seat.",
    "contact.phone": "\"+1 555 0100\"",
    "contact.email": "choice@district.example.org",
    "contact.address": "100 Main St, Riverside, MN 55101",
    "contact.hours": "Monday to Friday, 8 am to 5 pm",
    "contact.languages": "[en, es]",
    "contact.interpreter": "true",
    "application.opens": "{today+0}",
    "application.deadline": "{today+60}T17:00",
    "application.results": "{today+100}",
    "application.apply_url": "https://apply.district.example.org/",
    "application.max_choices": "5",
    "application.how_it_works": "You fill out one application for all magnet schools. After the deadline, a "
                                "computer picks names at random. It does not look at grades or test scores.",
    "application.paper": "You can also apply on paper. Pick up a form at any school office.",
    "application.steps[].title": "Visit schools",
    "application.steps[].details": "Go to open houses and tours. Bring your child if you can.",
    "application.steps[].date": "{today+14}",
    "application.help_sessions[].title": "Application help night",
    "application.help_sessions[].start": "{today+21}T18:00",
    "application.help_sessions[].end": "{today+21}T20:00",
    "application.help_sessions[].place": "Central Library, 100 Main St",
    "application.help_sessions[].languages": "[es]",
    "application.help_sessions[].details": "Bring a phone or use our computers. Children are welcome.",
    "transportation": "**The bus is free for most magnet schools.** Each school page says if a bus comes from "
                      "your area.",
    "themes": "{stem: \"Science, technology, engineering and math\", arts: Visual and performing arts}",
    "priorities": "{sibling: A brother or sister already attends the school, "
                  "neighborhood: You live near the school}",
    "services": "{special-education: Special education services, english-learners: English learner support}",
    "areas{}.name": "West Side",
    "areas{}.zip_codes": "[\"55101\", \"55104\"]",
    "print.zip_sheets": "false",
    "print.paper_size": "letter",
    "print.pair": "[en, es]",
}

DICT_KEYS: dict[str, str] = {"language_overrides": "hmn", "areas": "west-side"}
"""The example key written for a mapping whose values are groups of keys."""
