"""The register import against ``bulk_create`` and django-import-export, on the same file.

Data: ``BENCH_IMPORT_ROWS`` residents (default 1,000,000) in households of 1-6 people over 200
villages of the benchmark county, written once as CSV (UTF-8) and once as .xlsx (openpyxl's
write-only mode) with the same rows: village code, household number, name, ID number, relation
in Chinese (户主, 妻子, 长子...), phone, tags for one resident in seven, education and ethnicity.
Names come from 60 surnames and 1,500 given names, so they repeat as in a county (the note
gives the number of distinct names).

Each side runs in a fresh child process, timed from its first read to its commit; the child's
own peak RSS (``VmHWM``, see ``peak_rss_mb``) is the memory figure. The register's tables
are emptied between runs.

* **Subject:** ``registry.importing.registry_import`` as a county administrator on the CSV, then
  on the .xlsx: every check (ID check character and birth date, village in scope, tags,
  heads, duplicates in the file and against the register), search keys, then the write
  (COPY / executemany) and the trace, in one transaction.
* **Baseline 1, plain ``bulk_create``:** the same rows already parsed (cells split, relation
  mapped, sex and birth date read from the ID, search keys computed, nothing left to check),
  read from a pickle, written as ``Household``/``Resident``/``ResidentTag`` objects with
  ``bulk_create`` (batches of 2,000 households, ids returned), inside one transaction, with no
  heads set and no trace. It does less than the subject; the target is that the subject,
  parsing and checking as it goes, writes at least twice as many rows a second.
* **Baseline 2, django-import-export** (the library a Django developer reaches for), on the
  first ``BENCH_IMPORT_IE_ROWS`` rows (default 5,000) of the same CSV: a ``ModelResource``
  for ``Resident`` keyed by ID number, creating each household on first sight and filling
  the fields through ``services.prepare_resident``. A million rows would take it hours, so its
  rate on the prefix is compared with the subject's rate on the whole file.

Targets: subject rate ≥ 2x ``bulk_create`` (CSV and .xlsx), ≥ 10x django-import-export, and
peak RSS ≤ 500 MB for each subject run.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Result, county, county_admin, prepare

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "1000000"))
# The baselines run on a prefix of the same file: at a million rows bulk_create alone would take
# most of the CI budget, and django-import-export hours. Both write faster into a small table
# than into a large one, so comparing their rate on the prefix with the subject's on the whole
# file favours the baselines.
BULK_ROWS = int(os.environ.get("BENCH_IMPORT_BULK_ROWS", "100000"))
IE_ROWS = int(os.environ.get("BENCH_IMPORT_IE_ROWS", "5000"))
TOWNSHIPS = range(120, 124)  # 4 townships of the county ...
VILLAGES = range(201, 251)  # ... of 50 villages each
RATE_TARGET = 2.0
IE_TARGET = 10.0
MEMORY_LIMIT_MB = 500
HEADER = ["村代码", "户编号", "姓名", "身份证号", "与户主关系", "电话", "标签", "文化程度", "民族"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
)
GIVEN = "德福春兰国华建军秀英桂芳玉志强明丽文勇伟静敏燕红霞小平刚晓军海波云飞龙凤琴梅"
RELATIONS = ["妻子", "长子", "长女", "次子", "次女", "母亲"]
EDUCATION = ["小学", "初中", "高中", "", "大专"]
TAGS = ["脱贫户", "留守老人", "留守儿童", "低保", "退役军人、老党员"]


def run() -> list[Result]:
    prepare()
    place = county()
    admin = county_admin()
    codes = seed_villages(place.admin, county_code=place.county.code)
    folder = Path(os.environ["CUNZHI_VAR_DIR"]) / "import-bench"
    folder.mkdir(exist_ok=True)
    started = time.perf_counter()
    csv_path, xlsx_path, parsed_path, ie_path, distinct = write_files(folder, codes)
    generated = time.perf_counter() - started

    from django.db import connections

    # Start from an empty register: the benchmarks before this one in the run (export) leave
    # their residents in the shared database, and every count below is exact.
    clear_register()
    connections.close_all()
    csv_run = child("import", csv_path, admin.username)
    check_register(ROWS)
    clear_register()
    xlsx_run = child("import", xlsx_path, admin.username)
    check_register(ROWS)
    clear_register()
    bulk_run = child("bulk", parsed_path, admin.username)
    check_register(min(BULK_ROWS, ROWS))
    clear_register()
    ie_run = child("ie", ie_path, admin.username)
    clear_register()

    csv_rate, xlsx_rate = ROWS / csv_run["seconds"], ROWS / xlsx_run["seconds"]
    bulk_rate = bulk_run["rows"] / bulk_run["seconds"]
    ie_rate = ie_run["rows"] / ie_run["seconds"]
    data = f"{ROWS:,} residents, {distinct:,} distinct names, 200 villages"
    results = []
    for label, run_, rate in (("csv", csv_run, csv_rate), ("xlsx", xlsx_run, xlsx_rate)):
        ratio = rate / bulk_rate
        results.append(
            Result(
                name=f"registry import: {label} vs bulk_create",
                subject=f"{rate:,.0f} rows/s ({run_['seconds']:.1f} s)",
                baseline=(
                    f"bulk_create {bulk_rate:,.0f} rows/s on the first {bulk_run['rows']:,} rows"
                ),
                ratio=ratio,
                target=f"≥ {RATE_TARGET:.1f}x",
                passed=ratio >= RATE_TARGET,
                note=f"{data}; ratio of rows/s; bulk_create given rows parsed and keyed",
            )
        )
    ie_ratio = csv_rate / ie_rate
    results.append(
        Result(
            name="registry import: csv vs django-import-export",
            subject=f"{csv_rate:,.0f} rows/s on {ROWS:,} rows",
            baseline=f"{ie_rate:,.0f} rows/s on the first {ie_run['rows']:,} rows",
            ratio=ie_ratio,
            target=f"≥ {IE_TARGET:.0f}x",
            passed=ie_ratio >= IE_TARGET,
            note="rates compared: django-import-export measured on a prefix of the same file",
        )
    )
    peak = max(csv_run["peak_mb"], xlsx_run["peak_mb"])
    results.append(
        Result(
            name="registry import: peak memory",
            subject=f"csv {csv_run['peak_mb']:.0f} MB, xlsx {xlsx_run['peak_mb']:.0f} MB",
            baseline=f"limit {MEMORY_LIMIT_MB} MB",
            ratio=peak / MEMORY_LIMIT_MB,
            target="≤ 1.0x",
            passed=peak <= MEMORY_LIMIT_MB,
            note=(
                f"peak RSS of the import's own process (bulk_create {bulk_run['peak_mb']:.0f} MB); "
                f"files generated in {generated:.0f} s"
            ),
        )
    )
    return results


def seed_villages(superuser: object, *, county_code: str) -> list[str]:
    from cunzhi.regions.models import Region
    from cunzhi.regions.services import regions_import

    county_part = county_code[:6]
    rows: list[tuple[str, str]] = []
    villages: list[str] = []
    for number, township in enumerate(TOWNSHIPS, start=1):
        rows.append((f"{county_part}{township}000", f"导入{number}镇"))
        for village in VILLAGES:
            code = f"{county_part}{township}{village}"
            rows.append((code, f"导入{number}镇{village - 200}村"))
            villages.append(code)
    known = set(Region.objects.filter(code__in=[c for c, _ in rows]).values_list("code", flat=True))
    new_rows = [(code, name) for code, name in rows if code not in known]
    if new_rows:
        regions_import(
            actor=superuser, rows=[(i, code, name) for i, (code, name) in enumerate(new_rows, 1)]
        )
    return villages


def _id_number(index: int, birth: datetime.date, male: bool) -> str:
    """A valid number, unique for every index: area codes from 110101 up, 500 numbers each."""
    body = f"{110101 + index // 500}{birth:%Y%m%d}{(index % 500) * 2 + male:03d}"
    check = (1 - 2 * int(body, 13)) % 11  # as stdnum.cn.ric.calc_check_digit
    return body + ("X" if check == 10 else str(check))


class SharedStringsSheet:
    """A one-sheet .xlsx as Excel writes one: every text cell a shared string (t="s").

    openpyxl would take minutes to write a million rows (it serialises cell by cell); this
    writes the sheet XML as text, and the string table at the end.
    """

    def __init__(self) -> None:
        import tempfile

        self.strings: dict[str, int] = {}
        self.rows = 0
        self.body = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (until save)
        self.letters = [chr(65 + i) for i in range(26)]

    def append(self, values: list[str]) -> None:
        self.rows += 1
        number = self.rows
        cells = []
        for letter, value in zip(self.letters, values, strict=False):
            if value == "":
                continue
            index = self.strings.setdefault(value, len(self.strings))
            cells.append(f'<c r="{letter}{number}" s="1" t="s"><v>{index}</v></c>')
        self.body.write(f'<row r="{number}">{"".join(cells)}</row>')

    def save(self, path: Path) -> None:
        import zipfile
        from xml.sax.saxutils import escape

        main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        package = "http://schemas.openxmlformats.org/package/2006/relationships"
        kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr(
                "[Content_Types].xml",
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" '
                f'ContentType="{kinds}.worksheet+xml"/>'
                '<Override PartName="/xl/sharedStrings.xml" '
                f'ContentType="{kinds}.sharedStrings+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{kinds}.styles+xml"/></Types>',
            )
            archive.writestr(
                "_rels/.rels",
                f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
                f'Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            )
            archive.writestr(
                "xl/workbook.xml",
                f'<workbook {main} xmlns:r="{relations}"><sheets>'
                '<sheet name="户籍" sheetId="1" r:id="rId1"/></sheets></workbook>',
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                f'<Relationships xmlns="{package}">'
                f'<Relationship Id="rId1" Type="{relations}/worksheet" '
                'Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{relations}/sharedStrings" '
                'Target="sharedStrings.xml"/>'
                f'<Relationship Id="rId3" Type="{relations}/styles" Target="styles.xml"/>'
                "</Relationships>",
            )
            archive.writestr(
                "xl/styles.xml",
                f'<styleSheet {main}><fonts count="1"><font/></fonts>'
                '<fills count="1"><fill/></fills>'
                '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
                '<cellXfs count="2"><xf/><xf numFmtId="49" applyNumberFormat="1"/></cellXfs>'
                "</styleSheet>",
            )
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet {main}>'
                    f'<dimension ref="A1:I{self.rows}"/><sheetData>'.encode()
                )
                self.body.seek(0)
                while chunk := self.body.read(1 << 20):
                    sheet.write(chunk.encode())
                sheet.write(b"</sheetData></worksheet>")
            self.body.close()
            with archive.open("xl/sharedStrings.xml", "w") as table:
                count = len(self.strings)
                table.write(f'<sst {main} count="{count}" uniqueCount="{count}">'.encode())
                batch = []
                for text in self.strings:
                    batch.append(f"<si><t>{escape(text)}</t></si>")
                    if len(batch) >= 10000:
                        table.write("".join(batch).encode())
                        batch = []
                table.write(("".join(batch) + "</sst>").encode())
        self.strings = {}


def write_files(folder: Path, codes: list[str]) -> tuple[Path, Path, Path, Path, int]:
    """The CSV, the .xlsx, the pre-parsed rows for bulk_create and the CSV prefix."""
    random.seed(20261123)
    given = sorted({a + b for a in GIVEN for b in GIVEN} | set(GIVEN))[:1500]
    csv_path, xlsx_path = folder / "register.csv", folder / "register.xlsx"
    parsed_path, ie_path = folder / "parsed.pickle", folder / "prefix.csv"
    sheet = SharedStringsSheet()
    sheet.append(HEADER)
    names: set[str] = set()
    base = datetime.date(1930, 1, 1)
    with (
        csv_path.open("w", encoding="utf-8", newline="") as csv_file,
        ie_path.open("w", encoding="utf-8", newline="") as ie_file,
        parsed_path.open("wb") as parsed_file,
    ):
        writer, ie_writer = csv.writer(csv_file), csv.writer(ie_file)
        writer.writerow(HEADER)
        ie_writer.writerow(HEADER)
        index = 0
        household = 0
        chunk: list[tuple[Any, ...]] = []
        while index < ROWS:
            village = codes[household % len(codes)]
            household_no = f"{household // len(codes) + 1:05d}"
            household += 1
            surname = random.choice(SURNAMES)
            size = min(random.choice((1, 2, 3, 3, 4, 4, 5, 6)), ROWS - index)
            for member in range(size):
                relation = "户主" if member == 0 else RELATIONS[member - 1]
                male = relation in {"户主", "长子", "次子"}
                birth = base + datetime.timedelta(days=random.randrange(30000))
                name = (surname if relation != "妻子" and relation != "母亲" else
                        random.choice(SURNAMES)) + random.choice(given)  # fmt: skip
                names.add(name)
                number = _id_number(index, birth, male)
                phone = (
                    f"1{random.randrange(3, 9)}{random.randrange(10**9):09d}" if member < 2 else ""
                )
                tags = random.choice(TAGS) if random.random() < 0.14 else ""
                education = random.choice(EDUCATION)
                row = [
                    village,
                    household_no,
                    name,
                    number,
                    relation,
                    phone,
                    tags,
                    education,
                    "汉族",
                ]
                writer.writerow(row)
                if index < IE_ROWS:
                    ie_writer.writerow(row)
                sheet.append(row)
                if index < BULK_ROWS:
                    chunk.append(
                        (
                            village,
                            household_no,
                            name,
                            number,
                            relation,
                            phone,
                            tags,
                            education,
                            birth,
                            "male" if male else "female",
                        )
                    )
                index += 1
            if len(chunk) >= 5000:
                pickle.dump(chunk, parsed_file, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, parsed_file, protocol=pickle.HIGHEST_PROTOCOL)
    sheet.save(xlsx_path)
    return csv_path, xlsx_path, parsed_path, ie_path, len(names)


def child(mode: str, path: Path, username: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    command = [sys.executable, "-m", "benchmarks.bench_registry_import", mode, str(path), username]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {mode} {path.name}: {json.dumps(result)}", flush=True)
    return result


def check_register(expected: int) -> None:
    """Every row arrived, with the search keys the services would have given it."""
    from cunzhi.registry.identity import search_keys
    from cunzhi.registry.models import Resident

    count = Resident.objects.count()
    if count != expected:
        raise RuntimeError(f"expected {expected} residents, found {count}")
    for resident in Resident.objects.order_by("?")[:200]:
        keys = search_keys(resident.name, resident.id_number, resident.phone)
        if (resident.name_pinyin, resident.name_initials, resident.id_reversed) != (
            keys.name_pinyin,
            keys.name_initials,
            keys.id_reversed,
        ):
            raise RuntimeError(f"search keys of {resident.pk} differ from the services'")


def clear_register() -> None:
    from django.db import connection

    from cunzhi.registry.models import Household, Resident, ResidentTag

    tables = [m._meta.db_table for m in (ResidentTag, Resident, Household)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("PRAGMA foreign_keys = ON")


# The child processes


def _import(path: Path, username: str) -> dict[str, Any]:
    from cunzhi.accounts.models import User
    from cunzhi.registry.importing import registry_import

    actor = User.objects.get(username=username)
    started = time.perf_counter()
    outcome = registry_import(actor=actor, path=path)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": outcome.residents_created}


def _bulk(path: Path, username: str) -> dict[str, Any]:
    from django.db import transaction

    from cunzhi.regions.models import Region
    from cunzhi.registry.identity import search_keys
    from cunzhi.registry.importing.columns import EDUCATION_WORDS, RELATION_WORDS
    from cunzhi.registry.models import Household, Resident, ResidentTag, Tag

    # Parsing as the rows were read: outside the timing, as "already parsed" means.
    villages = {r.code: r for r in Region.objects.filter(level="village")}
    tags = {t.name: t for t in Tag.objects.all()}
    chunks = []
    with path.open("rb") as handle:
        while True:
            try:
                rows = pickle.load(handle)
            except EOFError:
                break
            parsed = []
            for (
                village,
                number,
                name,
                id_number,
                relation,
                phone,
                tag_text,
                edu,
                birth,
                sex,
            ) in rows:
                keys = search_keys(name, id_number, phone)
                parsed.append((
                    villages[village], number, name, id_number, RELATION_WORDS[relation],
                    phone, [tags[t] for t in tag_text.split("、") if t],
                    EDUCATION_WORDS.get(edu, ""), birth, sex, keys,
                ))  # fmt: skip
            chunks.append(parsed)
    started = time.perf_counter()
    created = 0
    with transaction.atomic():
        for parsed in chunks:
            households: dict[tuple[str, str], Household] = {}
            for row in parsed:
                key = (row[0].code, row[1])
                if key not in households:
                    households[key] = Household(region=row[0], region_code=row[0].code,
                                                household_no=row[1])  # fmt: skip
            Household.objects.bulk_create(list(households.values()), batch_size=2000)
            residents = []
            links: list[tuple[Any, Any]] = []
            for (
                village,
                number,
                name,
                id_number,
                relation,
                phone,
                row_tags,
                edu,
                birth,
                sex,
                keys,
            ) in parsed:
                resident = Resident(
                    household=households[(village.code, number)], region=village,
                    region_code=village.code, name=name, id_number=id_number,
                    relation=relation, phone=phone, education=edu, birth_date=birth, sex=sex,
                    **keys.__dict__,
                )  # fmt: skip
                residents.append(resident)
                links.extend((resident, tag) for tag in row_tags)
            Resident.objects.bulk_create(residents, batch_size=2000)
            ResidentTag.objects.bulk_create(
                [ResidentTag(resident=r, tag=t, region=r.region, region_code=r.region_code)
                 for r, t in links],
                batch_size=2000,
            )  # fmt: skip
            created += len(residents)
    return {"seconds": time.perf_counter() - started, "rows": created}


def _import_export(path: Path, username: str) -> dict[str, Any]:
    import tablib
    from import_export import fields, resources

    from cunzhi.regions.models import Region
    from cunzhi.registry.importing.columns import EDUCATION_WORDS, RELATION_WORDS
    from cunzhi.registry.models import Household, Resident, ResidentTag, Tag
    from cunzhi.registry.services import prepare_resident

    villages = {r.code: r for r in Region.objects.filter(level="village")}
    tags = {t.name: t for t in Tag.objects.all()}

    class ResidentResource(resources.ModelResource):
        id_number = fields.Field(attribute="id_number", column_name="身份证号")
        name = fields.Field(attribute="name", column_name="姓名")
        relation = fields.Field(attribute="relation", column_name="与户主关系")
        phone = fields.Field(attribute="phone", column_name="电话")
        education = fields.Field(attribute="education", column_name="文化程度")
        ethnicity = fields.Field(attribute="ethnicity", column_name="民族")

        class Meta:
            model = Resident
            import_id_fields = ("id_number",)
            fields = ("id_number", "name", "relation", "phone", "education", "ethnicity")

        def before_import_row(self, row: Any, **kwargs: Any) -> None:
            row["与户主关系"] = RELATION_WORDS[row["与户主关系"]]
            row["文化程度"] = EDUCATION_WORDS.get(row["文化程度"], "")

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            village = villages[row["村代码"]]
            instance.household, _created = Household.objects.get_or_create(
                region=village, household_no=row["户编号"]
            )
            instance.region = village
            prepare_resident(instance)

        def after_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            for name in filter(None, row["标签"].split("、")):
                ResidentTag.objects.get_or_create(
                    resident=instance, tag=tags[name],
                    defaults={"region": instance.region},
                )  # fmt: skip
            if instance.relation == "head":
                instance.household.head = instance
                instance.household.save(update_fields=["head"])

    started = time.perf_counter()
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    result = ResidentResource().import_data(dataset, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": result.totals["new"]}


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program.

    ``VmHWM`` is per address space, so it starts again at exec; ``ru_maxrss`` on Linux carries
    over the parent's peak from before the fork, which would charge the parent's generated
    data to the child.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_main(mode: str, path: str, username: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cunzhi.settings")
    import django

    django.setup()
    run_mode = {"import": _import, "bulk": _bulk, "ie": _import_export}[mode]
    result = run_mode(Path(path), username)
    result["peak_mb"] = peak_rss_mb()
    print(json.dumps(result))


if __name__ == "__main__":
    _child_main(*sys.argv[1:4])
