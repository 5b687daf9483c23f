"""Word lists and sentence makers for the synthetic district: plain, family-facing prose.

Everything is drawn from a `random.Random` the caller seeds, so the same seed always
writes the same words. The sentences are grammatical enough to look like real content
and long enough to give realistic page sizes and Markdown conversion work.
"""

from __future__ import annotations

import random

PLACES = ("Cedar Hill", "Riverbend", "Maple Grove", "Lakeview", "Prairie Wind", "Oak Park", "Stonebridge",
          "Willow Creek", "Harbor Point", "Pine Ridge", "Eastgate", "Westfield", "Northside", "Southport",
          "Sunrise", "Granite Falls", "Silver Lake", "Bluff View", "Elm Street", "Hillcrest", "Meadowbrook",
          "Fox Run", "Bridgewater", "Clearwater", "Highland", "Valley Forge", "Red Rock", "Aspen",
          "Juniper", "Sycamore", "Birchwood", "Iron Range", "Copper Canyon", "Twin Oaks", "Mill Creek",
          "Kingsley", "Fairmont", "Brookside", "Glenwood", "Summit")
KINDS = ("Academy", "Magnet School", "Elementary", "Middle School", "High School", "Learning Center",
         "Institute", "Community School")
THEMES = {
    "stem": "Science, technology, engineering and math",
    "arts": "Visual and performing arts",
    "language": "Language immersion",
    "montessori": "Montessori",
    "ib": "International Baccalaureate (IB)",
    "career": "Career and technical education",
    "environment": "Environment and outdoor learning",
    "leadership": "Leadership and public service",
}
THEME_WORDS = {"stem": "STEM", "arts": "Arts", "language": "Dual Language", "montessori": "Montessori",
               "ib": "International", "career": "Career", "environment": "Environmental",
               "leadership": "Leadership"}
PRIORITIES = {
    "sibling": "A brother or sister already attends the school",
    "neighborhood": "You live near the school",
    "staff-child": "A parent or guardian works at the school",
    "feeder": "Your child now attends a school that leads into this one",
    "home-language": "Your child speaks the school's partner language at home",
}
SERVICES = {
    "special-education": "Special education services",
    "english-learners": "English learner support",
    "gifted": "Gifted and talented services",
    "counseling": "School counselor and social worker",
    "health": "A nurse in the building every day",
}

_SUBJECTS = ("Students", "Children", "Our teachers", "Families", "Older students", "Small groups",
             "Whole classes", "Our staff", "Visiting artists", "Volunteers from the neighborhood")
_VERBS = ("build", "explore", "plan", "share", "practice", "design", "study", "write about", "test",
          "present", "grow", "measure", "read about", "talk about", "fix", "invent")
_OBJECTS = ("small robots", "a school garden", "short plays", "maps of the city", "bridges made of straws",
            "stories from home", "songs in two languages", "weather reports", "simple machines",
            "posters for the community", "models of the solar system", "a class newspaper",
            "healthy lunches", "murals in the hallway", "math games", "science fair projects")
_PHRASES = ("every morning", "after lunch", "with a partner", "in small teams", "each week",
            "before the winter break", "with help from older students", "in the school library",
            "outside when the weather is nice", "during project time", "at the end of each unit",
            "with families on project night")
_PLACES_INSIDE = ("School gym", "Main office", "Library", "Cafeteria", "Room 104", "Auditorium",
                  "Front entrance", "Science lab", "Art room", "Community room")
EVENT_TITLES = ("Open house", "Family tour", "Information night", "Visit a class", "Saturday tour",
                "Meet the principal", "Spring showcase")
HIGHLIGHTS = ("Robotics club from grade 2", "A school garden where every class grows food",
              "Free breakfast in the classroom each morning", "Family science night every season",
              "Music lessons for every child", "A library open after school",
              "Field trips to the state park", "Chess club and math circle",
              "A student council that plans school events", "Clubs in three languages",
              "A theater show every spring", "Internships with local businesses")


def sentence(rng: random.Random) -> str:
    """One sentence of school prose, about ten to fourteen words."""
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_PHRASES)}."


def paragraph(rng: random.Random, words: int, markup: bool = True) -> str:
    """A paragraph of about `words` words; sometimes with **bold** text or a link."""
    parts: list[str] = []
    count = 0
    while count < words:
        text = sentence(rng)
        parts.append(text)
        count += len(text.split())
    if markup and rng.random() < 0.2:
        parts[0] = f"**{parts[0]}**"
    if markup and rng.random() < 0.1:
        parts.append(f"You can [read more on the school website](https://example.org/{rng.randrange(1000)}).")
    return " ".join(parts)


def description(rng: random.Random) -> str:
    """A 150 to 300 word Markdown description: paragraphs, sometimes a short list."""
    total = rng.randint(150, 300)
    blocks: list[str] = []
    written = 0
    while written < total:
        size = min(rng.randint(40, 80), total - written + 10)
        blocks.append(paragraph(rng, size))
        written += size
        if len(blocks) == 2 and rng.random() < 0.4:
            items = [f"- {rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}" for _ in range(3)]
            blocks.append("\n".join(items))
    return "\n\n".join(blocks) + "\n"


def inside_place(rng: random.Random) -> str:
    """A place inside a school (where an event happens)."""
    return rng.choice(_PLACES_INSIDE)
