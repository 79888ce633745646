def pytest_terminal_summary(terminalreporter):
    """Print the totals the access walk and the fuzzers reached in this run."""
    import sys

    walk = sys.modules.get("tests.security.test_url_permissions")
    if walk is not None and walk.CHECKED:
        patterns = len(walk.CHECKED)
        requests = sum(n for _, n in walk.CHECKED)
        terminalreporter.write_line(
            f"URL access walk: {patterns} patterns x {len(walk.PERSONAS)} personas x GET/POST: "
            f"{requests} requests checked"
        )
    fuzz = sys.modules.get("tests.security.test_fuzz_inputs")
    if fuzz is not None and fuzz.CASES:
        terminalreporter.write_line(
            f"Fuzzing: {sum(fuzz.CASES.values())} cases over {len(fuzz.CASES)} endpoints"
        )
