"""Configuration from one place: CleanConfig's fields (cleaners/config.py) give the CLI its options,
Prefect its parameter schema, and a run file (mtqa.toml) its keys."""

from __future__ import annotations

import dataclasses

import click
import pytest
from click.testing import CliRunner

from mtqa.cleaners.config import CleanConfig
from mtqa.cleaners.signature import run_signature
from mtqa.flows import cli
from tests.conftest import SAMPLES

SAMPLE = str(SAMPLES / "ukraine-article.en.txt")


def configure(*args: str) -> tuple[CleanConfig | None, dict, click.testing.Result]:
    """The CleanConfig and options the cleaning options give for `args` (no run)."""
    seen: dict = {}

    @click.command()
    @cli.cleaning_options
    def command(**opts):
        seen["config"], seen["opts"] = cli._config(opts), opts

    result = CliRunner().invoke(command, list(args))
    return seen.get("config"), seen.get("opts", {}), result


def test_every_field_with_an_option_is_on_the_command_line_with_its_documentation():
    help_text = " ".join(CliRunner().invoke(cli.main, ["clean", "--help"], terminal_width=10_000).output.split())
    fields = [f for f in dataclasses.fields(CleanConfig) if f.metadata.get("cli")]
    assert len(fields) >= 14
    for spec in fields:
        assert spec.metadata["cli"] in help_text
        assert " ".join((spec.metadata.get("off_help") or spec.metadata["help"]).split()) in help_text, spec.name


def test_no_options_give_the_defaults_and_each_option_lands_in_its_field(tmp_path):
    config, _, result = configure(SAMPLE, "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert config == CleanConfig(rule_packs=config.rule_packs) and config.rule_packs == CleanConfig().rule_packs
    config, _, _ = configure(SAMPLE, "--out", str(tmp_path / "o"), "--lang", "en", "--no-detectors", "--no-fix-encoding",
                             "--max-text-chars", "0", "--duplicate-sentence-min-chars", "7", "--langid-min-prob", "0.5",
                             "--check-only", "--langdetect-only")
    assert (config.lang, config.detectors, config.fix_encoding, config.max_text_chars, config.duplicate_sentence_min_chars,
            config.langid_min_prob, config.check_only, config.langid_confirm_prob) == ("en", False, False, None, 7, 0.5, True, None)


def test_a_run_file_sets_the_same_fields_the_command_line_wins_and_the_signature_records_it(tmp_path):
    (tmp_path / "house.yaml").write_text("rules: []\n", encoding="utf-8")
    run_file = tmp_path / "mtqa.toml"
    run_file.write_text('lang = "en"\nsource_lang = "fr"\ndisable_rules = ["consistency.name_variant", "duplicate.*"]\n'
                        'drop_duplicates = true\nmax_text_chars = 0\nrules = ["house.yaml"]\nrunner = "threads"\n',
                        encoding="utf-8")
    config, opts, result = configure(SAMPLE, "--out", str(tmp_path / "o"), "--config", str(run_file), "--source-lang", "de")
    assert result.exit_code == 0, result.output
    assert (config.lang, config.source_lang, config.drop_duplicates, config.max_text_chars) == ("en", "de", True, None)
    assert "consistency.name_variant" in config.disable_rules and "duplicate.sentence" in config.disable_rules
    assert config.rule_packs[-1] == str(tmp_path / "house.yaml") and opts["runner"] == "threads"
    signature = run_signature(config)
    assert signature["run_file"]["file"] == "mtqa.toml" and "|run-file:mtqa.toml@" in signature["text"]
    assert "run_file" not in run_signature(CleanConfig())["options"]  # runs without one sign as before


@pytest.mark.parametrize("content, message", [
    ('langs = "en"\n', "unknown setting 'langs'"),
    ("lang = \n", "not valid TOML"),
])
def test_a_bad_run_file_is_one_clear_error(tmp_path, content, message):
    (tmp_path / "mtqa.toml").write_text(content, encoding="utf-8")
    _, _, result = configure(SAMPLE, "--out", str(tmp_path / "o"), "--config", str(tmp_path / "mtqa.toml"))
    assert result.exit_code == 1 and f"mtqa: error: {tmp_path / 'mtqa.toml'}: {message}" in result.output


def test_the_flows_take_a_config_prefect_validates():
    from prefect.exceptions import ParameterTypeError

    from mtqa.flows.cleanup import cleanup_flow
    from mtqa.flows.run import run_flow

    given = run_flow.validate_parameters({"input_path": "in", "out_dir": "out", "config": {"lang": "en", "disable_rules": ["qa.urls"]}})
    assert given["config"] == CleanConfig(lang="en", disable_rules=("qa.urls",))
    config = CleanConfig(lang="fr")
    assert cleanup_flow.validate_parameters({"input_path": "in", "out_dir": "out", "config": config})["config"] == config
    with pytest.raises(ParameterTypeError, match="langid_min_letters"):
        run_flow.validate_parameters({"input_path": "in", "out_dir": "out", "config": {"langid_min_letters": "many"}})
