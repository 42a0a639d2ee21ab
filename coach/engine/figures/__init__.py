"""The animated figure of an exercise: a skeleton's geometry and its motion in time."""
