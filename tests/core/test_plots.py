from core.plots import metric_names, plot_history


def test_metric_names_put_loss_first_and_drop_validation_twins():
    history = {"accuracy": [0.5], "loss": [1.0], "val_loss": [1.1], "val_accuracy": [0.4]}
    assert metric_names(history) == ["loss", "accuracy"]


def test_history_plot_has_a_panel_per_metric_with_both_curves():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8], "val_accuracy": [0.4, 0.6]}
    fig = plot_history(history, total_epochs=10)
    assert len(fig.data) == 4
    assert list(fig.data[1].y) == [1.1, 0.7]
    assert tuple(fig.layout.xaxis.range) == (0.5, 10.5)
