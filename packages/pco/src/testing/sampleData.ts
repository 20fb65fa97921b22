/**
 * The word lists the fake draws names, streets and places from.
 */

/** First names. */
export const firstNames = [
  "Ada",
  "Alan",
  "Grace",
  "Edsger",
  "Barbara",
  "Donald",
  "Margaret",
  "Ken",
  "Dennis",
  "Frances",
  "John",
  "Mary",
  "James",
  "Patricia",
  "Robert",
  "Jennifer",
  "Michael",
  "Linda",
  "William",
  "Elizabeth",
  "David",
  "Susan",
  "Richard",
  "Jessica",
  "Joseph",
  "Sarah",
  "Thomas",
  "Karen",
  "Charles",
  "Nancy",
  "Daniel",
  "Lisa",
  "Matthew",
  "Betty",
  "Anthony",
  "Sandra",
  "Mark",
  "Ashley",
  "Paul",
  "Emily",
  "Steven",
  "Donna",
  "Andrew",
  "Michelle",
  "Joshua",
  "Carol",
  "Kenneth",
  "Amanda",
  "Kevin",
  "Melissa",
  "Zoë",
  "José",
  "Renée",
  "Siobhán",
  "Bjørn",
  "Chloé",
  "Mateo",
  "Amara",
  "Kenji",
  "Priya"
] as const

/** Last names. */
export const lastNames = [
  "Lovelace",
  "Turing",
  "Hopper",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Hamilton",
  "Thompson",
  "Ritchie",
  "Allen",
  "Smith",
  "Johnson",
  "Williams",
  "Brown",
  "Jones",
  "Garcia",
  "Miller",
  "Davis",
  "Rodriguez",
  "Martinez",
  "Hernandez",
  "Lopez",
  "Gonzalez",
  "Wilson",
  "Anderson",
  "Taylor",
  "Moore",
  "Jackson",
  "Martin",
  "Lee",
  "Perez",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "O'Brien",
  "Nguyen",
  "Kowalski",
  "Müller",
  "Okafor",
  "Van der Berg",
  "Santos",
  "Yamamoto",
  "Patel",
  "Ivanova"
] as const

/** Street names. */
export const streets = [
  "Main St",
  "Oak Ave",
  "Maple Dr",
  "Cedar Ln",
  "Elm St",
  "Pine Rd",
  "Church St",
  "Park Ave",
  "Lake View Rd",
  "Hillcrest Dr",
  "Sunset Blvd",
  "River Rd",
  "Meadow Ln",
  "Washington St",
  "Lincoln Ave"
] as const

/** A city with its state and a ZIP prefix. */
export interface Place {
  readonly city: string
  readonly state: string
  readonly zip: string
}

/** Cities with their state and a ZIP prefix. */
export const places: readonly [Place, ...Array<Place>] = [
  { city: "Springfield", state: "IL", zip: "627" },
  { city: "Franklin", state: "TN", zip: "370" },
  { city: "Greenville", state: "SC", zip: "296" },
  { city: "Madison", state: "WI", zip: "537" },
  { city: "Georgetown", state: "TX", zip: "786" },
  { city: "Salem", state: "OR", zip: "973" },
  { city: "Fairview", state: "NC", zip: "287" },
  { city: "Bristol", state: "VA", zip: "242" }
]

/** Membership labels a church may use. */
export const memberships = ["Member", "Regular Attender", "Visitor", "Participant", "Staff"] as const

/** Contact location labels. */
export const locations = ["Home", "Work", "Mobile", "Other"] as const

/** Email domains. */
export const emailDomains = ["example.org", "example.com", "mail.example.net"] as const
