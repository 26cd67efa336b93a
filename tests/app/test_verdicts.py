"""Honest verdicts in the pages: ties called ties, failing models named, like compared with like, notes that stay."""


from tests.app.helpers import models, train_with
from tests.app.test_toolkit import open_link, warnings
from ui.session import CACHE_STATE_KEY


def test_pure_noise_is_a_tie_on_the_sales_page(open_page):
    at = open_page("views/forecasting.py")
    at.radio(key="Sales forecasting.source").set_value("Pure noise (nothing to learn)").run()
    at.button(key="Sales forecasting.train").click().run()
    assert not at.exception, at.exception
    headline = at.subheader[0].value
    assert " tie:" in headline and "better" not in headline.split(":")[0], headline


def test_the_internals_defaults_name_simple_rnn_as_failing(open_page):
    at = open_page("views/internals.py")
    at.button(key="RNN internals.train").click().run()
    assert not at.exception, at.exception
    failing = [w.value for w in at.warning if "no better than guessing" in w.value]
    assert failing and failing[0].startswith("**SimpleRNN:**"), warnings(at)
    assert not any("Nothing went wrong" in s.value for s in at.success)
    assert not any("more epochs may help" in i.value and "GRU" in i.value for i in at.info)  # GRU is perfect


def test_gru_then_lstm_on_sales_compare_in_one_table_without_empty_cells(open_page):
    at = train_with(open_page("views/forecasting.py"), "Sales forecasting", epochs=2)
    at.selectbox(key="Sales forecasting.cell").set_value("LSTM").run()
    at.button(key="Sales forecasting.train").click().run()
    assert not at.exception, at.exception
    assert models(at) == 2
    table = at.dataframe[-1].value
    assert len(table) == 2 and not table.isna().any().any(), table
    assert "model MAE" in table.columns and "cell" in table.columns


def test_runs_of_other_patterns_are_not_mixed_into_one_table(open_page):
    at = train_with(open_page("views/connections.py"), "Connection types", epochs=1)
    at.selectbox(key="Connection types.pattern").set_value("one_to_one").run()
    at.button(key="Connection types.train").click().run()
    assert not at.exception, at.exception
    assert len(at.session_state[CACHE_STATE_KEY]) == 2
    assert "Your runs on this page" not in " ".join(s.value for s in at.subheader)
    assert any("other run on this page used other data or another task" in c.value for c in at.caption)


def test_bad_link_notes_stay_until_a_setting_changes():
    at = open_link("views/connections.py", {"epochs": "abc", "units": "99999", "foo": "1", "cell": "Transformer"})
    for _ in range(4):  # the page as opened, then three more reruns
        said = warnings(at)
        for word in ("Epochs", "Hidden units", "foo", "Recurrent cell"):
            assert word in said, said
        at.run()
    at.slider(key="Connection types.units").set_value(16).run()
    assert "foo" not in warnings(at)
