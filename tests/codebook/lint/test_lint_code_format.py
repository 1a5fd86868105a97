from engine.tooling.lint import code_format as rule


def test_clean(minimal_copy, run_rule):
    assert run_rule(rule, minimal_copy) == []


def test_code_does_not_fit_its_system(minimal_copy, edit, run_rule):
    edit(minimal_copy, "codes/virtual-checkin.yaml", "    code: G2252\n    system: HCPCS",
         "    code: G2252\n    system: CPT")
    edit(minimal_copy, "codes/office-em.yaml", "    code: \"99213\"\n    system: CPT",
         "    code: \"Z9213\"\n    system: HCPCS")
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:29: 99213: id '99213' does not match code Z9213 (the earliest "
        "version, from 2024-01-01) — set id: \"Z9213\"",
        "codes/office-em.yaml:30: 99213: 'Z9213' is not a valid HCPCS code — a HCPCS code is a "
        "letter A-V + four digits",
        "codes/virtual-checkin.yaml:44: G2252: 'G2252' is not a valid CPT code — set system: HCPCS",
    ]


def test_category_ii_and_iii_cpt_codes_are_valid(minimal_copy, edit, run_rule):
    for new in ("1234F", "0591T"):
        edit(minimal_copy, "codes/office-em.yaml", '"99213"', f'"{new}"', count=2)
        assert run_rule(rule, minimal_copy) == []
        edit(minimal_copy, "codes/office-em.yaml", f'"{new}"', '"99213"', count=2)


def test_later_version_id_is_code_at_from(minimal_copy, run_rule):
    path = minimal_copy / "codes" / "office-em.yaml"
    text = path.read_text()
    later = text[text.index('  - id: "99213"'):].replace('id: "99213"', 'id: "99213-2025"')
    later = later.replace("from: 2024-01-01", "from: 2025-01-01")
    ended = text.replace("    min_minutes: 20\n", "    min_minutes: 20\n    to: 2024-12-31\n", 1)
    path.write_text(ended + later)
    assert run_rule(rule, minimal_copy) == [
        "codes/office-em.yaml:43: 99213-2025: id '99213-2025' does not match code 99213 (a later "
        "version, from 2025-01-01) — set id: \"99213@2025-01-01\"",
    ]
