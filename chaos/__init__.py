"""The reliability campaign of nose_fastfixtures (`make chaos`): kills, interrupts, fuzzing, races, guards."""
