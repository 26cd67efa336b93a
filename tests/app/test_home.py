import subprocess
import sys
import textwrap
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_home_page_explains_sequences_and_lists_the_model_panel():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=10).run()
    assert not at.exception
    assert at.title[0].value == "Sequence Lab"
    headers = [h.value for h in at.header]
    assert "What is sequential data?" in headers and "Model families" in headers
    assert any("Trained models (0 of" in e.label for e in at.sidebar.expander)


def test_home_page_does_not_import_keras_or_tensorflow():
    # A fresh interpreter: other tests in this process may have imported Keras already.
    script = textwrap.dedent("""
        import sys
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file("app.py", default_timeout=10).run()
        assert not at.exception, at.exception
        heavy = sorted({"tensorflow", "keras", "jax"} & set(sys.modules))
        print("heavy:", heavy)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout
