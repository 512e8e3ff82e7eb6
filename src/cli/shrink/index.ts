/**
 * `ksim shrink`: from a failing seed, the smallest scenario that still fails the same way.
 * The scenario file is shrunk as a YAML document (ScenarioDoc) and every candidate goes
 * through the normal loader and a normal run (Shrinker); the passes (removeFaults,
 * shortenTime, reduceTopics, reduceLoad, reduceNodes) each try one kind of smaller.
 */
export { addShrinkCommand, shrinkCommand, defaultOut, type ShrinkOptions } from "./shrinkCommand.ts";
export { failuresOf, reproduces, targetFor, NO_BOOTSTRAP, type FailureTarget } from "./failure.ts";
