"""E-mail and website domains reduced to their registrable domain; free-mail detection."""

from __future__ import annotations

import re
from functools import lru_cache

from matching.normalize.suffixes import registrable

# Consumer mailbox providers: a shared domain says nothing about which organisation it is.
_FREE_MAIL = """
    gmail.com googlemail.com outlook.com hotmail.com live.com msn.com passport.com
    yahoo.com ymail.com rocketmail.com aol.com aim.com icloud.com me.com mac.com
    protonmail.com protonmail.ch proton.me pm.me tutanota.com tuta.io mail.com email.com
    gmx.de gmx.net gmx.at gmx.ch gmx.com gmx.us web.de t-online.de freenet.de arcor.de
    posteo.de mailbox.org orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr
    libero.it virgilio.it tiscali.it alice.it tin.it btinternet.com sky.com virginmedia.com
    talktalk.net ntlworld.com blueyonder.co.uk comcast.net verizon.net att.net sbcglobal.net
    bellsouth.net cox.net charter.net earthlink.net optonline.net shaw.ca rogers.com
    sympatico.ca bigpond.com bigpond.net.au optusnet.com.au seznam.cz centrum.cz wp.pl o2.pl
    onet.pl interia.pl bluewin.ch hetnet.nl ziggo.nl kpnmail.nl planet.nl telenet.be
    skynet.be mail.ru yandex.ru yandex.com rambler.ru bk.ru list.ru inbox.ru qq.com 163.com
    126.com sina.com sohu.com yeah.net naver.com daum.net hanmail.net rediffmail.com
    uol.com.br bol.com.br terra.com.br ig.com.br hushmail.com fastmail.com fastmail.fm
    zoho.com zohomail.com inbox.com lycos.com juno.com netzero.net hey.com duck.com
    1und1.de online.de mail.de kabelmail.de home.nl casema.nl xs4all.nl chello.nl upcmail.nl
    club-internet.fr aliceadsl.fr bbox.fr numericable.fr fastwebnet.it email.it inwind.it
    iol.it tim.it telefonica.net terra.es ono.com movistar.es ya.com telia.com bredband.net
    comhem.se spray.se bahnhof.se sunrise.ch hispeed.ch swissonline.ch iinet.net.au
    tpg.com.au on.net dodo.com.au xtra.co.nz singnet.com.sg pacific.net.sg
    starhub.net.sg docomo.ne.jp ezweb.ne.jp softbank.ne.jp ybb.ne.jp ocn.ne.jp so-net.ne.jp
    biglobe.ne.jp nifty.com globo.com globomail.com oi.com.br sify.com videotron.ca telus.net
    cogeco.ca sasktel.net eastlink.ca bell.net frontier.com windstream.net centurylink.net
    roadrunner.com mindspring.com prodigy.net
"""
FREE_MAIL_DOMAINS = frozenset(_FREE_MAIL.split())
# Brands that run a free mailbox under many country domains (yahoo.co.uk, hotmail.fr, ...).
_FREE_MAIL_BRANDS = frozenset({"yahoo", "hotmail", "outlook", "live", "gmx", "aol", "ymail"})

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
# Two labels or more, each of 1-63 letters, digits and inner hyphens.
_HOST = re.compile(rf"(?:{_LABEL}\.)+{_LABEL}")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_HOST_END = re.compile(r"[/?#\s]")
_PORT = re.compile(r":\d*$")
_BRACKETED = re.compile(r"<([^<>]*@[^<>]*)>")
_ADDRESS_BREAK = re.compile(r"[;,\s]+")


def _host_labels(host: str) -> list[str] | None:
    host = host.strip().strip(".").lower()
    if not host or (host[-1].isdigit() and _IPV4.match(host)):  # an address ends in a digit
        return None
    if not host.isascii():  # an ASCII host is its own IDNA form (bad labels fail below)
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    # the host holds no whitespace: its callers cut it at the first
    if not _HOST.fullmatch(host):
        return None
    labels = host.split(".")
    if not ((labels[-1].isalpha() and len(labels[-1]) >= 2) or labels[-1].startswith("xn--")):
        return None
    return labels


@lru_cache(maxsize=65536)  # one organisation's many addresses share a host
def _registrable_host(host: str) -> str | None:
    labels = _host_labels(host)
    domain = registrable(labels) if labels else None
    # "www.acme" has lost its top-level domain; "www" is never the organisation's label.
    return None if domain is None or domain.startswith("www.") else domain


@lru_cache(maxsize=65536)
def normalize_website_domain(raw: str | None) -> str | None:
    """Registrable domain of a URL or host: "https://www.acme.co.uk/about" -> "acme.co.uk"."""
    if not raw or not raw.strip():
        return None
    text = _SCHEME.sub("", raw.strip().lower()).removeprefix("//")
    host = _HOST_END.split(text, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]  # user:password@host
    host = _PORT.sub("", host)
    return _registrable_host(host)


@lru_cache(maxsize=65536)
def normalize_email_domain(raw: str | None) -> str | None:
    """Registrable domain of an e-mail address: "Jane@Mail.ACME.co.uk" -> "acme.co.uk"."""
    if not raw or "@" not in raw:
        return None
    text = raw.strip()
    bracketed = _BRACKETED.search(text)  # "Jane Doe <jane@acme.com>"
    if bracketed:
        text = bracketed.group(1)
    # "a@acme.com; b@acme.com": the first address speaks for the record.
    text = next((part for part in _ADDRESS_BREAK.split(text) if "@" in part), "")
    text = text.removeprefix("mailto:").strip()
    local, _, host = text.rpartition("@")
    if not local or not host:
        return None
    return _registrable_host(host.rstrip(">").strip())


def is_free_mail_domain(domain: str | None) -> bool:
    """True for consumer mailbox domains (gmail.com, gmx.de, yahoo.co.uk…) that identify nobody."""
    if not domain:
        return False
    base = normalize_email_domain(domain) if "@" in domain else normalize_website_domain(domain)
    return base is not None and is_free_mail_registrable(base)


def is_free_mail_registrable(domain: str) -> bool:
    """`is_free_mail_domain` of a registrable domain, as `normalize_*_domain` return them.

    A registrable domain reduces to itself, so it needs no second reading.
    """
    return domain in FREE_MAIL_DOMAINS or domain.split(".", 1)[0] in _FREE_MAIL_BRANDS
