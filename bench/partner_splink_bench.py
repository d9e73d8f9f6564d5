"""The comparison behind the matcher's choice: Splink (probabilistic, unsupervised training)
on in-memory DuckDB, on the same generated partner files as ``partner_bench``.

Splink is not one of Keyworker's dependencies (about 280 MB with DuckDB and its SQL
translator); this bench runs only where it is installed, e.g. in a separate virtualenv:

    python3 -m venv /tmp/splink && /tmp/splink/bin/pip install 'splink>=5,<6'
    PYTHONPATH=. /tmp/splink/bin/python -m bench.partner_splink_bench [--rows 100000]

DuckDB spills to plaintext files in its temp directory under memory pressure: spilling is
switched off (``temp_directory = ''``, ``max_temp_directory_size = '0B'``) and the bench
checks that its working folder stays empty. Prints training and prediction time, peak memory,
and precision/recall of the person matches against the generator's truth.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from keyworker_app.domain.partner_data import check_table, file_kind, guess_mapping
from keyworker_app.domain.partner_names import address_parts, canonical_given, first_given
from keyworker_app.domain.partner_names import family_key as surname_key
from keyworker_app.domain.policy import Exchange
from tests.partner_generator import HEADERS, generate, person_scores

# The four exchanges' categories (as the shipped policy has them), so the bench needs no
# policy loader (nor its dependencies) in Splink's virtualenv.
CATEGORIES = {"police-offender-lists": ("identity", "offences"),
              "city-yos-proven-offences": ("identity", "offences"),
              "county-school-attendance": ("identity", "education"),
              "dwp-benefit-information": ("identity", "benefits")}


def main() -> None:
    try:
        import duckdb
        import splink.comparison_library as cl
        from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    except ImportError:
        print("splink is not installed here: skipped (see this file's docstring)")
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    households = args.rows // 8
    files = generate(households, seed=2025,
                     filler=max(0, int((args.rows - households * 3.3) / 1.15)))
    records, truth = [], {}
    for exchange, rows in files.rows.items():
        kind = file_kind(Exchange(exchange, (), (), "", (), "", "", CATEGORIES[exchange]))
        checked = check_table(HEADERS[exchange], rows, guess_mapping(HEADERS[exchange], kind),
                              kind)
        for row, pid in zip(checked, files.row_person[exchange], strict=True):
            key = f"{exchange}:{row.row}"
            house, street = address_parts(row.address)
            records.append((key, canonical_given(first_given(row.given_names)),
                            surname_key(row.family_name), row.date_of_birth.isoformat(),
                            row.postcode or None, f"{house} {street}".strip(), row.town))
            truth[key] = pid
    print(f"{len(records):,} rows")
    with tempfile.TemporaryDirectory() as work:
        os.chdir(work)  # DuckDB's default spill folder would be ./.tmp
        con = duckdb.connect(":memory:")
        con.execute("SET temp_directory = ''")
        con.execute("SET max_temp_directory_size = '0B'")
        con.execute("CREATE TABLE people (unique_id VARCHAR, first_name VARCHAR, "
                    "surname VARCHAR, dob VARCHAR, postcode VARCHAR, address VARCHAR, "
                    "town VARCHAR)")
        con.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?)", records)
        db = DuckDBAPI(connection=con)
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[cl.NameComparison("first_name"), cl.NameComparison("surname"),
                         cl.DateOfBirthComparison("dob", input_is_string=True),
                         cl.PostcodeComparison("postcode"),
                         cl.JaroWinklerAtThresholds("address", [0.9])],
            blocking_rules_to_generate_predictions=[
                block_on("dob"), block_on("surname", "substr(dob, 1, 4)"),
                block_on("postcode", "substr(first_name, 1, 1)")],
            retain_intermediate_calculation_columns=False)
        linker = Linker(db.register("people"), settings, log_level=None)
        t0 = time.perf_counter()
        linker.training.estimate_probability_two_random_records_match(
            [block_on("first_name", "surname", "dob")], recall=0.8)
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("surname", "substr(dob, 1, 4)"))
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"))
        t1 = time.perf_counter()
        predicted = linker.inference.predict(threshold_match_probability=0.5)
        t2 = time.perf_counter()
        for threshold in (0.95, 0.5):
            clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
                predicted, threshold)
            rows = clusters.as_duckdbpyrelation().select("cluster_id, unique_id").fetchall()
            by_cluster: dict[str, list[str]] = {}
            for cluster, uid in rows:
                by_cluster.setdefault(str(cluster), []).append(str(uid))
            precision, recall = person_scores(truth, [tuple(v) for v in by_cluster.values()])
            print(f"Splink at p >= {threshold}: precision {precision:.4f}, recall "
                  f"{recall:.4f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"train {t1 - t0:.1f} s, predict {t2 - t1:.1f} s; peak memory {peak:.0f} MB")
        left = [str(p) for p in Path(work).rglob("*")]
        print("files written in the working folder: " + (", ".join(left) or "none"))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
