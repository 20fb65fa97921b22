/** One half of the isolation proof: see isolationSuite.ts. */
import { isolationSuite } from "./isolationSuite.ts"

isolationSuite("file-b")
