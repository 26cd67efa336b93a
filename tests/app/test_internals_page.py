from ui.session import CACHE_STATE_KEY

PAGE = "views/internals.py"
PREFIX = "RNN internals"


def test_forward_pass_shows_each_step_and_matches_keras(open_page):
    at = open_page(PAGE)
    assert "largest difference" in at.success[0].value
    table = at.dataframe[0].value
    assert list(table.index) == ["unit 1", "unit 2", "unit 3"]
    first = table.copy()
    at.slider(key=f"{PREFIX}.step").set_value(3).run()
    assert not at.dataframe[0].value.equals(first)  # another step, other numbers


def test_empty_sequence_gets_a_message_and_the_rest_of_the_page_still_works(open_page):
    at = open_page(PAGE)
    at.text_input[0].set_value("   ").run()
    assert "Type a short sequence" in at.error[0].value
    assert any("Back at step 1" in m.value for m in at.markdown)


def test_spectral_radius_decides_between_vanishing_and_exploding(open_page):
    at = open_page(PAGE)
    at.selectbox(key=f"{PREFIX}.bptt.activation").set_value("linear").run()
    at.slider(key=f"{PREFIX}.bptt.spectral_radius").set_value(0.6).run()
    assert any("it **vanishes**" in m.value for m in at.markdown)
    at.slider(key=f"{PREFIX}.bptt.spectral_radius").set_value(1.6).run()
    assert any("it **explodes**" in m.value for m in at.markdown)


def test_gate_comparison_trains_three_cells_and_shows_lstm_gates(open_page):
    at = open_page(PAGE)
    at.slider(key=f"{PREFIX}.gates.epochs").set_value(1).run()
    at.number_input(key=f"{PREFIX}.gates.num_examples").set_value(500).run()
    at.button(key=f"{PREFIX}.train").click().run()
    assert not at.exception, at.exception
    entry = next(iter(at.session_state[CACHE_STATE_KEY].values()))
    assert set(entry.result.details.accuracy) == {"SimpleRNN", "LSTM", "GRU"}
    assert any("Inside the trained LSTM" in s.value for s in at.subheader)
    at.radio[1].set_value("input").run()  # another gate, from the cached model
    assert not at.exception
