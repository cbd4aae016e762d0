"""book/_ext/xinzhi_theme.py without a build: the rebuild that must copy a changed
stylesheet."""

from __future__ import annotations

from types import SimpleNamespace

import xinzhi_theme


def test_a_changed_static_file_makes_the_home_page_outdated(tmp_path):
    static = tmp_path / "book" / "_static"
    static.mkdir(parents=True)
    (static / "xinzhi.css").write_text("a { color: red; }", encoding="utf-8")
    app = SimpleNamespace(confdir=str(tmp_path), config=SimpleNamespace(html_static_path=["book/_static"], root_doc="book/intro"))
    env = SimpleNamespace()
    assert xinzhi_theme.on_env_get_outdated(app, env, set(), set(), set()) == ["book/intro"]  # first build
    assert xinzhi_theme.on_env_get_outdated(app, env, set(), set(), set()) == []  # nothing changed
    (static / "xinzhi.css").write_text("a { color: blue; }", encoding="utf-8")
    assert xinzhi_theme.on_env_get_outdated(app, env, set(), set(), set()) == ["book/intro"]
    (static / "extra.js").write_text("", encoding="utf-8")
    assert xinzhi_theme.on_env_get_outdated(app, env, set(), set(), set()) == ["book/intro"]
    assert xinzhi_theme.on_env_get_outdated(app, env, set(), set(), set()) == []
