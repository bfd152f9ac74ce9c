"""The real client address behind reverse proxies we were told to trust.

Sign-in throttling is keyed by client address, so the address must be one a client cannot
choose: ``X-Forwarded-For`` is read only when the connection comes from a trusted proxy
(``TRUSTED_PROXIES``), and then from the right, skipping the trusted hops, so a value the
client itself put at the left of the header is never used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """``"10.0.0.1, 192.168.0.0/16, ::1"`` to networks; raises ValueError on a bad entry."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()
    )


def _address(text: str | None) -> Address | None:
    if not text:
        return None
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_address(
    remote: str | None, headers: Mapping[str, str], trusted: tuple[Network, ...]
) -> str:
    """The address to throttle by: the peer, or the first untrusted hop a trusted proxy saw."""
    peer = _address(remote)
    if peer is None:
        return remote or "unknown"
    if not trusted or not _trusted(peer, trusted):
        return str(peer)
    hops = [h for value in _all(headers, "X-Forwarded-For") for h in value.split(",")]
    candidate = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage from the client: keep the last hop a proxy vouched for
        candidate = address
        if not _trusted(address, trusted):
            break
    return str(candidate)


def forwarded_value(
    remote: str | None, headers: Mapping[str, str], trusted: tuple[Network, ...], name: str
) -> str | None:
    """A proxy's ``X-Forwarded-Proto``/``-Host``, only when the peer is a trusted proxy."""
    peer = _address(remote)
    if peer is None or not trusted or not _trusted(peer, trusted):
        return None
    value = headers.get(name)
    return value.split(",")[0].strip() if value else None


def _all(headers: Mapping[str, str], name: str) -> list[str]:
    getall = getattr(headers, "getall", None)
    if getall is not None:
        return list(getall(name, []))
    value = headers.get(name)
    return [value] if value else []
