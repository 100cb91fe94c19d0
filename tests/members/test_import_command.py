"""`gonghui import-members PATH --org CODE [--dry-run] [--json] [--as MOBILE]`: output and exit status."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.members.models import Member
from tests.data.roster.builders import write_csv, write_xlsx
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号"]


def _ids(n: int, start: int = 70_000) -> list[str]:
    return [make_id_number("530724", dt.date(1990, 7, 7), "MF"[i % 2], serial=start + i) for i in range(n)]


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import-members", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_json_import_prints_one_object_and_exits_0(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(2)[0]], ["乙", _ids(2)[1]]])
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--json")
    assert code == 0
    assert json.loads(out) == {"accepted": 2, "errors": []}
    assert out.count("\n") <= 1
    assert Member.objects.filter(org=world.union_a).count() == 3


def test_json_refusal_lists_rows_and_exits_1(world, tmp_path):
    a, b = _ids(2, start=71_000)
    path = write_xlsx(tmp_path / "r.xlsx", [["标题"], HEADER, ["甲", a], ["乙", float(b[:-1] + "1")], ["丙", "x"]])
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--json")
    assert code == 1
    data = json.loads(out)
    assert set(data) == {"accepted", "errors"} and data["accepted"] == 0
    assert [(e["row"], e["column"]) for e in data["errors"]] == [(4, "身份证号"), (5, "身份证号")]
    assert all(set(e) == {"row", "column", "message"} and e["message"] for e in data["errors"])
    assert not Member.objects.filter(name="甲").exists()


def test_dry_run_exits_0_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1, start=72_000)[0]]])
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--dry-run", "--json")
    assert (code, json.loads(out)) == (0, {"accepted": 1, "errors": []})
    assert not Member.objects.filter(name="甲").exists()
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--dry-run")
    assert code == 0 and "可导入 1 名会员" in out


def test_plain_output_names_rows_in_chinese(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", "123"]])
    code, out, err = _run(str(path), "--org", world.union_a.code)
    assert code == 1 and out == ""
    assert "未导入" in err and "第2行【身份证号】" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "NO-SUCH-ORG"], "找不到组织编码"),
        (["--org", "530702"], "基层工会"),  # a county federation holds no members
    ],
)
def test_bad_org_is_a_clear_error(world, tmp_path, args, message):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1, start=73_000)[0]]])
    code, out, _ = _run(str(path), *args, "--json")
    assert code == 1
    data = json.loads(out)
    assert data["accepted"] == 0 and message in data["errors"][0]["message"] and data["errors"][0]["row"] == 0


def test_missing_and_unreadable_files_are_clear_errors(world, tmp_path):
    code, out, _ = _run(str(tmp_path / "nope.xlsx"), "--org", world.union_a.code, "--json")
    assert code == 1 and "找不到文件" in json.loads(out)["errors"][0]["message"]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is no workbook")
    code, out, _ = _run(str(bad), "--org", world.union_a.code, "--json")
    assert code == 1 and "无法打开" in json.loads(out)["errors"][0]["message"]


def test_as_option_applies_the_accounts_scope(world, tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, ["甲", _ids(1, start=74_000)[0]]])
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--as", world.cadre_b.mobile, "--json")
    assert code == 1 and "未找到该工会组织" in json.loads(out)["errors"][0]["message"]
    assert not Member.objects.filter(name="甲").exists()
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--as", "13000000000", "--json")
    assert code == 1 and "找不到手机号" in json.loads(out)["errors"][0]["message"]
    code, out, _ = _run(str(path), "--org", world.union_a.code, "--as", world.cadre_a.mobile, "--json")
    assert (code, json.loads(out)["accepted"]) == (0, 1)
    assert Member.objects.get(name="甲").events.get().actor == world.cadre_a


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_real_process_exit_codes_and_no_traceback(world, tmp_path):
    s = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings.test",
        "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
    }
    root = Path(__file__).resolve().parents[2]

    def gonghui(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gonghui", "import-members", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    good = write_csv(tmp_path / "good.csv", [HEADER, ["甲", _ids(1, start=75_000)[0]]])
    bad = write_csv(tmp_path / "bad.csv", [HEADER, ["乙", "5.32701199001011E+17"]])
    done = gonghui(str(good), "--org", world.union_a.code, "--json")
    assert done.returncode == 0 and json.loads(done.stdout) == {"accepted": 1, "errors": []}
    refused = gonghui(str(bad), "--org", world.union_a.code, "--json")
    assert refused.returncode == 1 and json.loads(refused.stdout)["errors"][0]["row"] == 2
    unknown = gonghui(str(good), "--org", "NO-SUCH", "--json")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert "找不到组织编码" in json.loads(unknown.stdout)["errors"][0]["message"]
    plain = gonghui(str(tmp_path / "missing.csv"), "--org", world.union_a.code)
    assert plain.returncode == 1 and "Traceback" not in plain.stderr and "找不到文件" in plain.stderr
