"""The project's cache folder is made once, with a .gitignore that ignores all of it."""

from nose_fastfixtures.harness.cache_dir import NAME, cache_dir


def test_the_cache_folder_is_made_with_a_gitignore_and_kept(tmp_path):
    folder = cache_dir(tmp_path)
    assert folder == tmp_path / NAME and folder.is_dir()
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    (folder / "durations.json").write_text("{}")
    assert cache_dir(tmp_path) == folder and (folder / "durations.json").exists()
