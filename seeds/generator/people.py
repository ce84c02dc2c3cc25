"""People: client contacts (for e-mail addresses) and the firm's own staff."""

from __future__ import annotations

import random
from typing import Final

from seeds.generator.geo import words
from seeds.generator.noise import transliterate

FIRST: Final = words(
    "James|Mary|Robert|Linda|Oliver|Amelia|Lukas|Lena|Jonas|Hannah|Louis|Camille|Hugo|Chloé|"
    "Daan|Sanne|Luca|Giulia|Marco|Sofia|Pablo|Lucía|Javier|Elena|Erik|Astrid|Björn|Maja|Liam|"
    "Olivia|João|Ana|Rafael|Beatriz|Jack|Charlotte|Aarav|Priya|Rohan|Ananya|Wei|Mei|Hiroshi|"
    "Yuki|Kenji|Aiko|Noah|Emma|Lars|Ingrid"
)
LAST: Final = words(
    "Smith|Johnson|Williams|Brown|Taylor|Evans|Müller|Schmidt|Schneider|Fischer|Weber|Martin|"
    "Bernard|Dubois|Lefèvre|de Jong|Jansen|Visser|Rossi|Russo|Bianchi|García|Martínez|López|"
    "Johansson|Andersson|Nilsson|Silva|Santos|Oliveira|Wilson|Campbell|Sharma|Patel|Iyer|Tan|"
    "Lim|Sato|Suzuki|Takahashi|Tremblay|Roy|Gagnon|O'Brien|Kowalski|Novak"
)
# The firm's delivery leads and account owners (project managers, opportunity owners).
STAFF: Final = words(
    "Sarah Whitfield|Daniel Okafor|Katrin Vogel|Thomas Brandt|Claire Moreau|Antoine Roux|"
    "Femke Bakker|Giorgio Conti|Marta Serrano|Johan Lindgren|Priya Raman|Arjun Mehta|"
    "Chloe Tan|Kenta Mori|Emily Carter|Michael Chen|Rebecca Hughes|Lucas Almeida|"
    "Olivia Grant|Nathan Brooks|Sophie Laurent|Felix Hartmann|Isabel Costa|Ryan Murphy"
)
ROLES: Final = (
    "Partner",
    "Principal Consultant",
    "Senior Consultant",
    "Consultant",
    "Analyst",
    "Architect",
    "Project Manager",
)


def contact_local(rng: random.Random) -> str:
    """The local part of a person's work address: `first.last`, `flast` or `first`."""
    first = transliterate(rng.choice(FIRST)).lower()
    last = transliterate(rng.choice(LAST)).lower().replace(" ", "").replace("'", "")
    style = rng.random()
    if style < 0.55:
        return f"{first}.{last}"
    if style < 0.8:
        return f"{first[0]}{last}"
    return first


def free_mail_local(rng: random.Random) -> str:
    """A personal mailbox name, often with a birth year or a number stuck on."""
    local = contact_local(rng)
    if rng.random() < 0.5:
        local += str(rng.choice((rng.randint(60, 99), rng.randint(1, 999))))
    return local
