/** Test fakes for @syncflow/pco. */
export {}
