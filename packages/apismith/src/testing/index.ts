/** Test fakes for @syncflow/apismith. */
export {}
