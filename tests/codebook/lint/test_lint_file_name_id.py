from engine.tooling.lint import file_name_id as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_family_payer_and_route_files(minimal_copy, edit, run_rule):
    (minimal_copy / "payers" / "commercial.yaml").rename(minimal_copy / "payers" / "private.yaml")
    edit(minimal_copy, "routes/medicare.yaml", "    payer: medicare\n    modality: virtual",
         "    payer: commercial\n    modality: virtual")
    assert run_rule(rule, minimal_copy) == [
        "payers/private.yaml:2: commercial: payer id 'commercial' does not match the file name — "
        "rename the file to payers/commercial.yaml or set id: private",
        "routes/medicare.yaml:15: medicare-checkin: route for payer 'commercial' is in "
        "routes/medicare.yaml — move it to routes/commercial.yaml (or fix its payer)",
    ]
