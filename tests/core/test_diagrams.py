import pytest

from core.diagrams import plot_unrolled, unrolled_graph


def count(nodes, row):
    return sum(1 for n in nodes if n.row == row)


@pytest.mark.parametrize(("pattern", "inputs", "outputs", "recurrent"), [
    ("one_to_one", 1, 1, 0),
    ("one_to_many", 1, 5, 4),
    ("many_to_one", 5, 1, 4),
    ("many_to_many", 5, 5, 4),
])
def test_unrolled_graph_has_the_inputs_and_outputs_of_its_pattern(pattern, inputs, outputs, recurrent):
    nodes, arrows = unrolled_graph(pattern, 5)
    assert (count(nodes, "x"), count(nodes, "y")) == (inputs, outputs)
    assert sum(1 for a in arrows if a.matrix == "W_hh") == recurrent


def test_many_to_one_output_leaves_from_the_last_step():
    nodes, _ = unrolled_graph("many_to_one", 6)
    assert [n.column for n in nodes if n.row == "y"] == [6]


def test_encoder_decoder_passes_the_state_once_and_feeds_outputs_back():
    nodes, arrows = unrolled_graph("encoder_decoder", 3, 5)
    assert count(nodes, "y") == 5 and count(nodes, "h") == 8
    assert [a.matrix for a in arrows].count("state") == 1
    assert [a.matrix for a in arrows].count("feedback") == 4


def test_plot_labels_each_shared_matrix_once_in_the_legend():
    fig = plot_unrolled("many_to_many", 4)
    legend = [t.name for t in fig.data if t.name]
    assert legend == ["W hh", "W hy", "W xh"]
    assert len(fig.layout.annotations) == 3 * 4 - 1
