import fc from "fast-check";

// Property tests draw from a fixed seed, so `npm test` gives the same verdict on every run
// and machine (a failure names its seed and path; change the seed here to explore further).
fc.configureGlobal({ seed: 20261122 });
