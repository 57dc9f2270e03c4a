"""`briefgen new PACKDIR`: a small, commented content pack on a placeholder topic.

Every file is valid as written: `briefgen check --content PACKDIR` passes and every
command builds from it, so a new campaign starts from something that works and changes
it one field at a time. `briefgen schema pack` lists every field.
"""

from __future__ import annotations

from pathlib import Path

from briefgen.errors import OutputError

FILES = {
    "pack.yaml": """\
# The pack's head: its title, introduction and the words of its topic.
# Every text is a mapping of language to text; English ('en') must be given.
# Inline markup: **bold**, *italic*, [phrase](src:SOURCE-ID), [^FOOTNOTE-ID], <https://...>
# (see `briefgen schema pack` for every field).
id: my-agenda

title: {en: "Quiet Streets"}
subtitle: {en: "What local governments can do"}
languages: [en]

# Paragraphs before the list of priorities.
intro:
- en: >-
    Replace this paragraph with why the agenda matters. Traffic noise keeps people awake
    and off the streets; councils decide much of it.
agenda_lead:
  en: "The [Quiet Streets agenda](src:agenda) asks local governments for two things:"
# Paragraphs after the list of priorities.
purpose:
- en: >-
    Each priority lists what a council can do itself and what it can ask of the national
    government.[^fn-powers]

# The topic's own words on the documents; leave any out to use the layout's neutral one.
# {municipality} is the place of the brief; the *_general words are for the general
# edition (a brief for no municipality in particular).
words:
  default_author: {en: "Quiet Streets campaign"}
  doc_title: {en: "What {municipality} can do for quiet streets"}
  doc_title_general: {en: "Quiet streets: what local governments can do"}
  glance_lead: {en: "Two priorities, one action and one example each."}
  keywords: {en: "quiet streets; noise; local government"}

# Extra sections or boxes of the brief, placed after or before a section of the layout
# (cover, contents, introduction, priorities, closing, endnotes).
sections:
- id: about
  after: introduction
  box: true
  title: {en: "About this agenda"}
  paragraphs:
  - en: "Replace this box, or delete the whole 'sections:' list."
""",
    "priorities.yaml": """\
# The agenda: one entry per priority, in order. Their numbers (1, 2, ...) follow this
# order and work as aliases of the ids (`-p 2`).
priorities:
- id: slow
  title: {en: "Slow the traffic in residential streets"}
  short_title: {en: "Slower streets"}
  summary: {en: "Slower traffic is quieter traffic: halving speed takes the loudest noise away."}
  intro: []
  headline_action: slow-zones      # shown on the at-a-glance sheet
  headline_example: example-town-zones

- id: measure
  title: {en: "Measure and publish noise levels"}
  short_title: {en: "Measuring noise"}
  summary: {en: "What is measured can be managed, and residents can see the change."}
  intro: []
  headline_action: measure-sensors
  headline_example: example-city-map
""",
    "actions.yaml": """\
# What a local government can do (kind: local) or ask of national authorities
# (kind: national), each under one priority.
actions:
- id: slow-zones
  priority: slow
  kind: local
  text: {en: "Set a 30 km/h limit in every residential street."}
  short: {en: "Set a 30 km/h limit in residential streets."}
- id: slow-law
  priority: slow
  kind: national
  text: {en: "Ask for the power to set lower limits without a national review."}
  short: {en: "Ask for the power to set lower limits."}
- id: measure-sensors
  priority: measure
  kind: local
  text: {en: "Put noise sensors on the ten busiest streets and publish the readings."}
  short: {en: "Publish noise readings from the busiest streets."}
  items:
  - en: "Start where residents have complained most."
""",
    "examples.yaml": """\
# Already done elsewhere: one case per entry. country: ISO 3166-1 alpha-2 code;
# region: an id of regions.yaml; source: an id of notes.yaml sources, or empty.
examples:
- id: example-town-zones
  title: {en: "Example Town slows its streets"}
  places: [Example Town]
  country: FR
  region: europe
  year: 2024
  priority: slow
  text: {en: "Example Town set 30 km/h in all residential streets; replace with a real case."}
  short: {en: "Example Town set 30 km/h in its residential streets."}
  source:
- id: example-city-map
  title: {en: "Example City maps its noise"}
  places: [Example City]
  country: DE
  region: europe
  year:
  priority: measure
  text: {en: "Example City publishes a [live noise map](src:noise-map); replace with a real case."}
  short: {en: "Example City publishes a live noise map."}
  source: noise-map
""",
    "notes.yaml": """\
# Footnotes ([^ID] in a text) and sources ([phrase](src:ID), listed as endnotes).
footnotes:
- id: fn-powers
  text: {en: "What a council may decide on roads differs from one country to another."}
sources:
- id: agenda
  label: {en: "The Quiet Streets agenda"}
  url: https://example.org/quiet-streets
- id: noise-map
  label: {en: "Example City noise map"}
  url: https://example.org/noise-map
""",
    "regions.yaml": """\
# World regions, to pick examples from the same region first.
regions:
- id: europe
  name: {en: "Europe"}
  countries: [DE, FR, NL, BE, ES, IT, SE, PL]
""",
}


def write_new_pack(folder: Path) -> list[Path]:
    """Write the placeholder pack into `folder`, which must be new or empty."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError(f"{folder} exists and is not an empty folder",
                          hint="give a new folder name", code="new.exists")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in FILES.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
