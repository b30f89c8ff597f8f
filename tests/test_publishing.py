import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_ext"))

import publishing  # noqa: E402


def test_no_url_no_buttons():
    options = publishing.buttons_for({"repository_url": "", "use_repository_button": True})
    assert options["launch_buttons"] == {} and not options["use_repository_button"]


def test_a_url_turns_the_buttons_on():
    options = publishing.buttons_for({"repository_url": "https://github.com/owner/book"})
    assert options["use_repository_button"] and options["use_issues_button"]
    assert options["launch_buttons"]["colab_url"] == publishing.COLAB
    assert options["launch_buttons"]["binderhub_url"] == publishing.BINDER
