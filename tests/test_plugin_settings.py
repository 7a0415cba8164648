import pytest
from venez_vivre.programme.plugin_settings import plugin_settings


def test_defaults_are_applied_and_overridden():
    assert plugin_settings({"SEO": {"a": 2}}, "SEO", {"a": 1, "b": 3}) == {"a": 2, "b": 3}
    assert plugin_settings({}, "SEO", {"a": 1}) == {"a": 1}


def test_a_misspelt_key_stops_the_build_and_names_the_known_ones():
    with pytest.raises(ValueError, match=r"POSTERS: unknown key\(s\) \['print_dpl'\]; known"):
        plugin_settings({"POSTERS": {"print_dpl": 150}}, "POSTERS", {"print_dpi": 300})
