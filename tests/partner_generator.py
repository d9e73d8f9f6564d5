"""Realistic partner data sets with known truth, for matching tests and the bench.

Four files as the partners send them under Appendix B (police offender list, YOS proven
offences, school attendance, DWP benefits), each with its own column headers and the noise
real extracts show: typos, nicknames, day and month transposed, a family that moved (one
partner still has the old address), postcodes left out, street names abbreviated, two
families of one surname in one street, and twins. ``truth`` says which person and which
household each row is, and which households were planted to meet the criteria.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from keyworker_app.domain.periods import last_complete_terms

AS_OF = date(2025, 3, 15)
FIRST_ADULT = ("William", "Robert", "Elizabeth", "Margaret", "Michael", "Catherine",
               "James", "Susan", "Richard", "Jennifer", "Thomas", "Patricia", "Daniel",
               "Rebecca", "Andrew", "Samantha", "Stephen", "Nicola", "Gareth", "Deborah",
               "Priya", "Tariq", "Agnieszka", "Olumide", "Siobhan", "Dariusz", "Yasmin",
               "Kwame", "Leanne", "Craig", "Donna", "Wayne", "Kerry", "Shane", "Tracey")
FIRST_CHILD = ("Oliver", "Amelia", "Jack", "Isla", "Harry", "Ava", "Charlie", "Mia",
               "Joshua", "Emily", "Alexander", "Jessica", "Zachary", "Abigail", "Kieran",
               "Bradley", "Leah", "Tyler", "Chloe", "Mason", "Ruby", "Aaliyah", "Ibrahim",
               "Zofia", "Kacper", "Amara", "Reuben", "Poppy", "Harvey", "Maisie")
NICK = {"William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Margaret": "Maggie",
        "Michael": "Mick", "Catherine": "Kate", "James": "Jim", "Susan": "Sue",
        "Richard": "Rick", "Jennifer": "Jenny", "Thomas": "Tom", "Patricia": "Trish",
        "Daniel": "Danny", "Rebecca": "Becky", "Andrew": "Andy", "Samantha": "Sam",
        "Stephen": "Steve", "Nicola": "Nikki", "Deborah": "Debbie", "Oliver": "Ollie",
        "Alexander": "Alex", "Jessica": "Jess", "Zachary": "Zac", "Abigail": "Abbie",
        "Joshua": "Josh", "Bradley": "Brad"}
SURNAMES = ("Smith", "Jones", "Patel", "Khan", "Taylor", "Brown", "Williams", "Wilson",
            "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker",
            "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Mistry",
            "Begum", "Kowalski", "Nowak", "Okafor", "Mensah", "O'Brien", "Murphy", "Hughes",
            "Edwards", "Lewis", "Harris", "Martin", "Cooper", "Ward", "Morris", "Turner",
            "Parker", "Chauhan", "Hussain", "Ali", "Singh", "Kaur", "Mahmood", "Lee",
            "Baker", "Adams", "Campbell")
STREETS = ("Fosse Road", "Narborough Road", "Belgrave Gate", "Uppingham Road",
           "Humberstone Road", "Aylestone Road", "Saffron Lane", "Melton Road",
           "Abbey Lane", "Beaumont Leys Lane", "Braunstone Avenue", "Hinckley Road",
           "Welford Road", "London Road", "Evington Lane", "Catherine Street",
           "Mere Road", "Wigston Lane", "Groby Road", "Glenfield Road", "Gooding Avenue",
           "Ethel Road", "St Saviours Road", "Green Lane Road", "Loughborough Road")
ABBREVIATED = {"Road": "Rd", "Avenue": "Ave", "Lane": "Ln", "Street": "St"}
TOWNS = ("Leicester", "Wigston", "Oadby", "Birstall", "Braunstone Town", "Loughborough",
         "Hinckley", "Coalville", "Melton Mowbray", "Market Harborough")
CANARY = "Quillfeather"

POLICE = "police-offender-lists"
YOS = "city-yos-proven-offences"
SCHOOL = "county-school-attendance"
DWP = "dwp-benefit-information"
HEADERS = {
    POLICE: ["Forename", "Surname", "DOB", "Address", "Town", "Postcode", "Offence date",
             "Disposal"],
    YOS: ["First name", "Last name", "Date of birth", "Address line 1", "Town", "Post code",
          "Offence date", "Outcome"],
    SCHOOL: ["Forename", "Surname", "DOB", "Address", "Town", "Postcode", "Academic year",
             "Term", "Unauthorised absence %", "Fixed exclusions"],
    DWP: ["Forename", "Surname", "DOB", "Address", "Town", "Postcode", "Benefit",
          "Start date"],
}


@dataclass
class Person:
    pid: int
    given: str
    family: str
    dob: date
    child: bool


@dataclass
class Household:
    hid: int
    people: list[Person]
    address: tuple[str, str, str]  # line, town, postcode
    kind: str  # "qualifying", "two-criteria", "one-file", "canary"
    old_address: tuple[str, str, str] | None = None


@dataclass
class PartnerFiles:
    rows: dict[str, list[list[str]]]  # exchange id -> rows under HEADERS[exchange]
    row_person: dict[str, list[int]]  # exchange id -> the person of each row
    person_household: dict[int, int]
    households: list[Household]
    qualifying: set[int] = field(default_factory=set)  # household ids planted to qualify

    def csv_bytes(self, exchange: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADERS[exchange])
        writer.writerows(self.rows[exchange])
        return out.getvalue().encode("utf-8")

    @property
    def row_count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def _year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    how = rng.randrange(3)
    if how == 0:  # swap neighbours
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if how == 1:  # drop one
        return text[:i] + text[i + 1:]
    return text[:i] + rng.choice("aeiou") + text[i + 1:]  # a wrong vowel


def _postcode(rng: random.Random) -> str:
    return (f"LE{rng.randrange(1, 19)} {rng.randrange(1, 10)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}")


def _dob(rng: random.Random, lo: int, hi: int) -> date:
    return AS_OF - timedelta(days=rng.randrange(lo * 365 + 10, hi * 365 - 10))


def generate(households: int = 40, seed: int = 7, filler: int = 0) -> PartnerFiles:
    """``households`` families (a sixth planted to qualify); ``filler`` more people who
    appear once each (the bulk of a real extract)."""
    rng = random.Random(seed)
    homes: set[tuple[str, str]] = set()

    def address(street: str | None = None, town: str | None = None,
                postcode: str | None = None) -> tuple[str, str, str]:
        while True:
            s = street or rng.choice(STREETS)
            t = town or rng.choice(TOWNS)
            line = f"{rng.randrange(1, 400)} {s}"
            if (line, t) not in homes:
                homes.add((line, t))
                return line, t, postcode or _postcode(rng)

    pid = 0
    made: list[Household] = []
    kinds = ["qualifying", "two-criteria", "one-file", "one-file", "two-criteria",
             "one-file"]
    for hid in range(households):
        kind = "canary" if hid == 1 else kinds[hid % len(kinds)]
        previous = made[-1] if made and rng.random() < 0.15 else None
        if previous is not None:  # a second family of that surname in the same street
            family = previous.people[0].family
            line, town, postcode = previous.address
            home = address(line.split(" ", 1)[1], town, postcode)
        else:
            family = CANARY if kind == "canary" else rng.choice(SURNAMES)
            home = address()
        people: list[Person] = []
        for _ in range(rng.choice((1, 2, 2))):
            pid += 1
            people.append(Person(pid, rng.choice(FIRST_ADULT), family, _dob(rng, 25, 50),
                                 False))
        twins = rng.random() < 0.12
        for n in range(rng.choice((1, 2, 3))):
            pid += 1
            if twins and n == 1:
                first = people[-1]
                others = [g for g in FIRST_CHILD if g[0] != first.given[0]]
                people.append(Person(pid, rng.choice(others), family, first.dob, True))
            else:
                people.append(Person(pid, rng.choice(FIRST_CHILD), family,
                                     _dob(rng, 11, 16), True))
        moved = address() if rng.random() < 0.1 else None
        made.append(Household(hid, people, home, kind, moved))
    for _ in range(filler):
        pid += 1
        person = Person(pid, rng.choice(FIRST_ADULT + FIRST_CHILD), rng.choice(SURNAMES),
                        _dob(rng, 11, 50), False)
        person.child = person.dob > AS_OF - timedelta(days=18 * 365)
        made.append(Household(len(made), [person], address(), "filler"))
    return _files(rng, made)


def _files(rng: random.Random, made: list[Household]) -> PartnerFiles:
    files = PartnerFiles({e: [] for e in HEADERS}, {e: [] for e in HEADERS}, {}, made)
    terms = last_complete_terms(AS_OF, 3)

    def identity(p: Person, h: Household, exchange: str) -> list[str]:
        r = rng
        given, family, dob = p.given, p.family, p.dob
        line, town, postcode = h.old_address if (h.old_address and exchange == POLICE) \
            else h.address
        if given in NICK and r.random() < 0.15:
            given = NICK[given]
        if r.random() < 0.06:
            given = _typo(r, given)
        if r.random() < 0.06:
            family = _typo(r, family)
        if dob.day <= 12 and dob.day != dob.month and r.random() < 0.04:
            dob = date(dob.year, dob.day, dob.month)
        if r.random() < 0.12:
            postcode = ""
        if r.random() < 0.2:
            for word, short in ABBREVIATED.items():
                line = line.replace(f" {word}", f" {short}")
        shown = dob.strftime("%d/%m/%Y") if r.random() < 0.8 else dob.isoformat()
        return [given, family.upper() if r.random() < 0.1 else family, shown, line, town,
                postcode]

    def add(exchange: str, p: Person, h: Household, facts: list[str]) -> None:
        files.rows[exchange].append(identity(p, h, exchange) + facts)
        files.row_person[exchange].append(p.pid)

    for h in made:
        for p in h.people:
            files.person_household[p.pid] = h.hid
        adults = [p for p in h.people if not p.child]
        children = [p for p in h.people if p.child]
        offence_day = (AS_OF - timedelta(days=rng.randrange(20, 300))).strftime("%d/%m/%Y")
        if h.kind == "qualifying":
            files.qualifying.add(h.hid)
            add(YOS, children[0], h, [offence_day, "Youth caution"])
            for t in terms:
                add(SCHOOL, children[rng.randrange(len(children))], h,
                    [_year(t.academic_year), t.term.value.capitalize(), "21.5", "0"])
            add(DWP, adults[0], h, ["JSA", (AS_OF - timedelta(days=400)).isoformat()])
            if rng.random() < 0.5:
                add(POLICE, adults[-1], h, [offence_day, "Caution"])
        elif h.kind == "two-criteria":
            for t in terms:
                add(SCHOOL, children[0], h, [f"{t.academic_year}/{(t.academic_year + 1) % 100}",
                                             t.term.value.capitalize(), "18", "1"])
            add(DWP, adults[0], h, ["ESA", (AS_OF - timedelta(days=200)).isoformat()])
            add(POLICE, adults[0], h, [offence_day, "No further action"])
            add(YOS, children[0], h, [offence_day, "Restorative justice"])
        elif h.kind == "canary":
            add(POLICE, adults[0], h, [offence_day, "Fine"])
        elif h.kind == "one-file":
            which = rng.randrange(3)
            if which == 0:
                add(POLICE, adults[0], h, [offence_day, "Community sentence"])
            elif which == 1:
                add(DWP, adults[0], h, ["Income support", "2024-06-01"])
            else:
                for t in terms:
                    add(SCHOOL, children[0], h, [f"{t.academic_year}/"
                                                 f"{(t.academic_year + 1) % 100}",
                                                 t.term.value.capitalize(), "3.5", "0"])
        else:  # filler: one row in one file
            p = h.people[0]
            if p.child:
                t = terms[-1]
                add(SCHOOL, p, h, [f"{t.academic_year}/{(t.academic_year + 1) % 100}",
                                   t.term.value.capitalize(), "2", "0"])
            else:
                both = rng.random() < 0.3
                if both or rng.random() < 0.5:
                    add(POLICE, p, h, [offence_day, "Fine"])
                if both or rng.random() < 0.5:
                    add(DWP, p, h, ["JSA", "2024-01-10"])
    return files


def person_scores(truth: dict[str, int], people: list[tuple[str, ...]]) -> tuple[float, float]:
    """(precision, recall) of the pairs of records found to be one person, counting one
    record per person per file (``truth`` maps each record's key, "EXCHANGE:ROW", to its
    person; ``people`` are the matcher's persons as tuples of those keys)."""
    chosen: dict[tuple[str, int], str] = {}
    for key, pid in sorted(truth.items()):
        chosen.setdefault((key.split(":", 1)[0], pid), key)
    kept = set(chosen.values())
    found = true_pairs = agreed = 0
    for person in people:
        mine = [k for k in person if k in kept]
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                found += 1
                agreed += truth[a] == truth[b]
    by_pid: dict[int, int] = {}
    for key in kept:
        by_pid[truth[key]] = by_pid.get(truth[key], 0) + 1
    true_pairs = sum(n * (n - 1) // 2 for n in by_pid.values())
    return (agreed / found if found else 1.0, agreed / true_pairs if true_pairs else 1.0)
