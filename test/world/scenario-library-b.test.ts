import { describeLibraryScenarios, libraryShare } from "./library.ts";

// Half of the library; scenario-library-a.test.ts runs the other half beside it.
describeLibraryScenarios(libraryShare(1, 2));
