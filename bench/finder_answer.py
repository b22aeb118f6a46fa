"""Finder answer time (routing + rendering) on a catalogue of 54 Kreise with 5,000 offices.

The catalogue is synthetic but shaped like the real one: every Kreis has 8 to 13 towns, KIM
offices per town, Kreis-wide services, age-limited JMD/MBE, realistic opening hours; questions
are random topic/town/language triples, answered in all 14 languages.
Target: median under 5 ms per answer on this machine.

    python -m bench.finder_answer [--offices 5000] [--questions 3000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from datetime import UTC, datetime

from bot.catalogue.model import Office, Region, Town
from bot.catalogue.routing import CatalogueIndex
from bot.catalogue.topics import OFFICE_TYPES, TOPICS
from bot.flows.client.finder.render import render_place
from bot.i18n import LANGUAGES, load_all_catalogs, translator

HOURS = ["Mo-Fr 08:30-12:00; PH off", "Mo-Th 08:00-12:00,14:00-16:00; Fr 08:00-12:00; PH off",
         "Tu 16:00-18:00 \"Begegnungscafé\"; PH off", "Mo[1] 10:00-12:00; We 09:00-13:00",
         "Mo,We,Fr 09:00-15:00; 2026 Dec 24-2027 Jan 01 off; PH off", None]
REGIONS = 54


def synthetic_catalogue(offices_total: int, rng: random.Random):
    regions = []
    per_region = offices_total // REGIONS
    types = [kind.code for kind in OFFICE_TYPES]
    topics = [topic.code for topic in TOPICS]
    for r in range(REGIONS):
        region = Region(id=f"kreis-{r}", name=f"Kreis {r}")
        towns = [Town(id=f"k{r}-town-{t}", name=f"Stadt {r}-{t}")
                 for t in range(rng.randint(8, 13))]
        offices = []
        for o in range(per_region + (1 if r < offices_total % REGIONS else 0)):
            kind = rng.choice(types)
            local = rng.random() < 0.6
            age = {"jmd": (12, 26), "mbe": (27, None)}.get(kind, (None, None))
            offices.append(Office(
                id=f"k{r}-office-{o}", region=region.id, type=kind, name=f"Stelle {r}-{o}",
                towns=tuple(rng.sample([t.id for t in towns], 2)) if local else ("*",),
                topics=tuple(rng.sample(topics, rng.randint(1, 5))),
                street="Hauptstraße 1", postcode="51469", city=f"Stadt {r}",
                phone="+49 2202 0000-000", email="info@example.org",
                opening_hours=rng.choice(HOURS), consultation_hours=rng.choice(HOURS),
                appointment_needed=rng.random() < 0.5, languages=("de", "en", "ar"),
                age_min=age[0], age_max=age[1],
                description={"de": "Beratung und Hilfe.", "en": "Advice and help."},
                example=True))
        regions.append((region, towns, offices))
    return regions


def main(offices_total: int, questions: int, seed: int) -> bool:
    rng = random.Random(seed)
    load_all_catalogs()
    catalogue = synthetic_catalogue(offices_total, rng)
    tracemalloc.start()
    started = time.perf_counter()
    index = CatalogueIndex(catalogue)
    build_ms = (time.perf_counter() - started) * 1000
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    towns = list(index.towns)
    topics = [topic.code for topic in TOPICS]
    translators = [translator(lang.code) for lang in LANGUAGES]
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    timings, found = [], 0
    for _ in range(questions):
        topic, town, tr = rng.choice(topics), rng.choice(towns), rng.choice(translators)
        age = rng.choice([None, 20, 35])
        started = time.perf_counter()
        answer = index.route(topic, town, age)
        if answer.ask_age:
            answer = index.route(topic, town, 35)
        texts = [render_place(place, now, tr, "Europe/Berlin") for place in answer.places]
        timings.append((time.perf_counter() - started) * 1000)
        found += bool(texts)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95)]
    print(f"catalogue: {REGIONS} Kreise, {len(towns)} towns, {offices_total} offices; "
          f"index built in {build_ms:.0f} ms, {peak / 2**20:.1f} MiB")
    print(f"{questions} answers ({found} with places) in 14 languages: median {median:.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms")
    verdict = "met" if median < 5 else "MISSED"
    print(f"target median < 5 ms: {verdict}")
    return median < 5


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    main(args.offices, args.questions, args.seed)
