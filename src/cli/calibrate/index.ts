/**
 * `ksim calibrate`: runs the calibration scenarios (scenarios/calibration/) and compares
 * throughput ratios with published Kafka benchmarks (Kreps 2014, the NetDB 2011 paper).
 */
export { addCalibrateCommand, calibrate, calibrateCommand, CALIBRATION_DIR, type CalibrationReport, type CalibrationResult } from "./calibrateCommand.ts";
export { CALIBRATIONS, type Calibration } from "./calibrations.ts";
export { measureThroughput, type ThroughputMeasure } from "./measureThroughput.ts";
