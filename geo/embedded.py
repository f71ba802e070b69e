"""The embedded default: proportional symbols at the 26 provincial capitals. It is not province geometry,
and the map says so (see components/maps.py); it needs nothing outside the repository.

Capitals are those named by the 2015 découpage (loi de programmation n° 15/004 of 28 February 2015, which
set the 26 provinces and their chef-lieux). Coordinates are the towns' public gazetteer positions (as in
GeoNames / Wikipedia's coordinates for each town), rounded to 0.01°: where a symbol sits, not data. They
were typed here and are not derived from any boundary file."""
from __future__ import annotations

import pandas as pd

from geo.provinces import PROVINCE_PCODES, province_name

__all__ = ["CAPITALS", "capital_units"]

# P-code → (capital, latitude, longitude)
CAPITALS: dict[str, tuple[str, float, float]] = {
    "CD10": ("Kinshasa", -4.32, 15.31), "CD20": ("Matadi", -5.82, 13.45), "CD31": ("Kenge", -4.81, 16.90),
    "CD32": ("Bandundu", -3.32, 17.38), "CD33": ("Inongo", -1.95, 18.27), "CD41": ("Mbandaka", 0.05, 18.26),
    "CD42": ("Gemena", 3.25, 19.77), "CD43": ("Gbadolite", 4.28, 21.01), "CD44": ("Lisala", 2.15, 21.51),
    "CD45": ("Boende", -0.28, 20.88), "CD51": ("Kisangani", 0.52, 25.19), "CD52": ("Buta", 2.79, 24.73),
    "CD53": ("Isiro", 2.77, 27.62), "CD54": ("Bunia", 1.56, 30.25), "CD61": ("Goma", -1.68, 29.22),
    "CD62": ("Bukavu", -2.51, 28.86), "CD63": ("Kindu", -2.95, 25.92), "CD71": ("Lubumbashi", -11.66, 27.48),
    "CD72": ("Kolwezi", -10.72, 25.47), "CD73": ("Kamina", -8.74, 24.99), "CD74": ("Kalemie", -5.95, 29.19),
    "CD81": ("Kabinda", -6.13, 24.48), "CD82": ("Mbuji-Mayi", -6.15, 23.60), "CD83": ("Lusambo", -4.97, 23.44),
    "CD91": ("Kananga", -5.90, 22.42), "CD92": ("Tshikapa", -6.42, 20.80),
}
assert set(CAPITALS) == set(PROVINCE_PCODES)


def capital_units() -> pd.DataFrame:
    """The 26 provinces as map units located at their capitals (same columns as prepared units)."""
    return pd.DataFrame([
        {"code": p, "name": province_name(p), "pcode": p, "kind": "province", "method": "code",
         "lon": CAPITALS[p][2], "lat": CAPITALS[p][1], "capital": CAPITALS[p][0]}
        for p in PROVINCE_PCODES])
