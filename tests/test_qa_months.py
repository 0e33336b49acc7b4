"""QA's month names (CLDR, through babel) are kept in the cache folder, keyed by the locale
data they came from: a later start reads them without loading babel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from translator.qa.numbers import _months_file, _months_from_cldr, _read_months

_PROBE = (
    "import json, sys\n"
    "from translator.qa.numbers import _months, check_numbers\n"
    "de, en, wide = _months()\n"
    "flags = check_numbers('Am 3. März 2024 kamen 12.000 Menschen.',"
    " 'On March 3, 2024, 12,000 people came.')[1]\n"
    "print(json.dumps({'babel': 'babel' in sys.modules, 'de': de, 'en': en, 'wide': wide,"
    " 'flags': len(flags)}))\n"
)


def _probe(cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=dict(os.environ),
        cwd=cwd, check=True,
    )
    return json.loads(done.stdout)


def test_the_month_names_are_read_back_without_babel(tmp_path: Path) -> None:
    path = _months_file()
    assert path is not None and not path.exists()
    first = _probe(tmp_path)  # reads the CLDR data and stores the table
    assert first["babel"] is True and path.is_file()
    second = _probe(tmp_path)
    assert second["babel"] is False
    de, en, wide = _months_from_cldr()
    for seen in (first, second):
        assert (seen["de"], seen["en"], seen["wide"]) == (de, en, wide)
        assert seen["flags"] == 0
    assert de["märz"] == 3 and de["jänner"] == 1 and en["september"] == en["sept"] == 9


def test_other_locale_data_is_another_file(tmp_path: Path) -> None:
    # The name hashes each locale file's path, size and modification time: new CLDR data
    # (another babel) never reads the table of the old.
    import babel

    real = Path(str(_months_file()))
    data = tmp_path / "locale-data"
    data.mkdir()
    source = Path(babel.__file__).parent / "locale-data"
    for name in ("root", "de", "de_AT", "de_CH", "en"):
        shutil.copy2(source / f"{name}.dat", data / f"{name}.dat")
    copied = _months_file(data)
    assert copied is not None and copied != real
    assert _months_file(data) == copied
    de = data / "de.dat"
    stat = de.stat()
    os.utime(de, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    touched = _months_file(data)
    assert touched not in (None, copied)
    with de.open("ab") as f:
        f.write(b"\0")
    os.utime(de, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert _months_file(data) not in (None, copied, touched)
    (data / "de_CH.dat").unlink()
    assert _months_file(data) is None


def test_a_damaged_table_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "months.json"
    good = _months_from_cldr()
    path.write_text(json.dumps({"de": good[0], "en": good[1], "wide": good[2]}))
    assert _read_months(path) == good
    for damaged in (
        "",
        '{"de": {"januar": 1}, "en": {"january": 1}}',
        json.dumps({"de": {"januar": 13}, "en": good[1], "wide": good[2]}),
        json.dumps({"de": good[0], "en": good[1], "wide": good[2][:11]}),
        json.dumps({"de": [], "en": good[1], "wide": good[2]}),
        json.dumps({"de": good[0], "en": good[1], "wide": good[2]})[:-20],
    ):
        path.write_text(damaged)
        assert _read_months(path) is None
