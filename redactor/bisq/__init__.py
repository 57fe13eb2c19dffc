"""What Bisq is: where it keeps its data, how its logs look, its ID formats and UI labels."""
