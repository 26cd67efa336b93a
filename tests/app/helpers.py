"""What page tests do again and again: set sliders and train, count the session's models."""

from streamlit.testing.v1 import AppTest

from ui.session import CACHE_STATE_KEY


def train_with(at: AppTest, prefix: str, **sliders: int) -> AppTest:
    """Set the page's sliders (by setting name), press Train, and check the run raised nothing."""
    for name, value in sliders.items():
        at.slider(key=f"{prefix}.{name}").set_value(value).run()
    at.button(key=f"{prefix}.train").click().run()
    assert not at.exception, at.exception
    return at


def models(at: AppTest) -> int:
    """How many trained models the visitor's session holds."""
    return len(at.session_state[CACHE_STATE_KEY]) if CACHE_STATE_KEY in at.session_state else 0
