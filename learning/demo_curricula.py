"""The demo library's content: what Ashby Vale's groups teach, unit by unit.

Plain data for `learning.demo`. An objective is its "I can …" statement, or a pair of the
statement and guidance for tutors.
"""

from dataclasses import dataclass

from django.utils.text import slugify

from learning.choices import Licence


@dataclass(frozen=True)
class Activity:
    title: str
    minutes: int
    materials: tuple[str, ...]
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Unit:
    title: str
    summary: str
    objectives: tuple[str | tuple[str, str], ...]
    activity: Activity | None = None
    notes: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass(frozen=True)
class Curriculum:
    group: str
    title: str
    subjects: tuple[str, ...]
    ages: tuple[int, int]
    duration: str
    summary: str
    introduction: str
    units: tuple[Unit, ...]
    licence: str = Licence.CC_BY_SA

    @property
    def slug(self) -> str:
        return slugify(self.title)


@dataclass(frozen=True)
class Adoption:
    """A group adopts another group's curriculum and says how it adapted it."""

    curriculum: str
    group: str
    by: str
    summary: str


FRACTIONS = Curriculum(
    group="riverside-home-ed",
    title="Fractions in the Kitchen",
    subjects=("maths",),
    ages=(7, 10),
    duration="Six weekly sessions of 90 minutes",
    summary="Halves, quarters and thirds you can eat: fractions learned by cutting, sharing, "
    "measuring and scaling real recipes.",
    introduction="<p>Children who can share a pizza fairly already know a lot about fractions. "
    "Each session starts with food, moves to talk and drawing, and only then to writing "
    "fractions down. Sessions suit a kitchen or a hall with a table and an oven nearby; "
    "check allergies before every session.</p>",
    units=(
        Unit(
            "Halves and quarters",
            "Cutting food into two and four equal parts, and naming the parts.",
            (
                (
                    "I can cut a pizza, a cake or a sandwich into two equal halves.",
                    "Ask them to prove the halves are equal: fold, stack or weigh them.",
                ),
                "I can cut the same food into four equal quarters.",
                (
                    "I can find half and a quarter of a set of objects, such as 12 grapes.",
                    "Sharing into bowls works better than writing at first.",
                ),
                "I can explain why two quarters make one half.",
                (
                    "I can write ½ and ¼ and say what the top and bottom numbers mean.",
                    "The bottom number says how many equal parts the whole is cut into; "
                    "the top says how many of them we have.",
                ),
            ),
            Activity(
                "Pizza fractions",
                45,
                (
                    "A flatbread or pizza base for each pair",
                    "Tomato sauce, grated cheese and two toppings",
                    "Blunt knives and chopping boards",
                    "Paper plates labelled ½ and ¼",
                ),
                (
                    "Wash hands and go over how to hold a knife safely.",
                    "Each pair spreads sauce and cheese on their base.",
                    "Agree how to cut it into two equal halves; cut, then stack to check.",
                    "Cut each half again. How many pieces now? What is each one called?",
                    "Put a different topping on each quarter, bake, and share it out.",
                ),
            ),
        ),
        Unit(
            "Thirds, sixths and sharing fairly",
            "Sharing between three, and seeing that different fractions can be equal.",
            (
                "I can share a tray of flapjack fairly between three people.",
                (
                    "I can show that two sixths are the same as one third.",
                    "Cut the tray into sixths first, then group the pieces in pairs.",
                ),
                "I can find a third of a number by sharing into three groups.",
                (
                    "I can compare ½, ⅓ and ¼ and say which is biggest.",
                    "A common muddle: “four is more than three, so a quarter is more than a "
                    "third.” Go back to cutting the same cake three and four ways.",
                ),
            ),
            Activity(
                "Flapjack tray bake",
                60,
                (
                    "250 g oats, 125 g butter, 125 g brown sugar, 3 tablespoons golden syrup",
                    "A 20 cm square tin",
                    "Kitchen scales, saucepan and wooden spoon",
                ),
                (
                    "Weigh the ingredients, reading the scale to the nearest 5 g.",
                    "An adult melts the butter, sugar and syrup; children stir in the oats.",
                    "Press into the tin and bake at 180 °C for 20 minutes.",
                    "When it has cooled, plan on paper how to cut it into six equal pieces.",
                    "Cut and share between three: did everyone get a third?",
                ),
            ),
        ),
        Unit(
            "Measuring with fractions",
            "Reading jugs, spoons and scales marked in halves and quarters.",
            (
                "I can read a measuring jug to the nearest 50 ml.",
                "I can measure half a litre and a quarter of a litre of water.",
                "I can use ½ and ¼ teaspoons and say which holds more.",
                (
                    "I can weigh 250 g and say it is a quarter of a kilogram.",
                    "Link it to a 1 kg bag of flour split into four equal piles.",
                ),
            ),
            Activity(
                "Pancake batter by measure",
                40,
                (
                    "100 g plain flour, 2 eggs, 300 ml milk",
                    "A measuring jug, kitchen scales and measuring spoons",
                    "A frying pan (adult only at the hob)",
                ),
                (
                    "Read the recipe together and find every fraction in it.",
                    "Measure the milk in the jug, checking at eye level.",
                    "Weigh the flour and whisk everything into a smooth batter.",
                    "An adult cooks the pancakes; cut each into quarters to share.",
                ),
            ),
        ),
        Unit(
            "Doubling and halving a recipe",
            "Scaling a recipe up and down for the number of people eating.",
            (
                "I can double every amount in a recipe.",
                "I can halve a recipe that serves four so that it serves two.",
                (
                    "I can work out the amounts for six people from a recipe for four.",
                    "Harder: halve to get two portions, then add them to the four-portion "
                    "amounts. Let them explain their method.",
                ),
                "I can check that my new amounts make sense before I cook.",
            ),
            notes="<p>Bring a recipe from home if you can: families' own recipes make the "
            "best problems. Children write the scaled amounts on a card to take home.</p>",
        ),
    ),
)

READING = Curriculum(
    group="northfields-parent-co-op",
    title="Stories, Rhymes and Reading Together",
    subjects=("english",),
    ages=(3, 6),
    duration="A term of weekly story mornings",
    summary="Early reading through picture books, rhymes and retelling: the habits and sounds "
    "that come before reading on your own.",
    introduction="<p>Every session is built around one picture book, read twice: once for "
    "the joy of it, and once to talk, guess and join in. Parents are welcome to stay and "
    "read with a small group.</p>",
    units=(
        Unit(
            "Sharing a picture book",
            "Handling books and talking about pictures.",
            (
                "I can hold a book the right way up and turn the pages one at a time.",
                "I can point to the pictures and say what is happening.",
                (
                    "I can guess what might happen next.",
                    "Pause before turning the page: “What do you think is behind the door?”",
                ),
                "I can join in with a repeated line, such as “We’re going on a bear hunt”.",
            ),
            Activity(
                "Story basket",
                30,
                (
                    "A picture book with a repeated refrain",
                    "A basket of props from the story",
                    "Cushions or a rug",
                ),
                (
                    "Take the props out one by one and ask what the story might be about.",
                    "Read the book right through, with feeling.",
                    "Read it again, stopping for the children to join in the refrain.",
                    "Let each child choose a prop and say where it came in the story.",
                ),
            ),
        ),
        Unit(
            "Rhymes and sounds",
            "Hearing beats, rhymes and first sounds in words.",
            (
                "I can clap the beats in my name.",
                "I can spot two words that rhyme.",
                "I can make up a silly rhyme, such as “cat, hat, splat”.",
                (
                    "I can hear the first sound in a word, such as “m” in “moon”.",
                    "Say the sound, not the letter name: “mmm”, not “em”.",
                ),
            ),
            Activity(
                "I spy sound bag",
                20,
                ("A cloth bag", "Small objects: a cup, a mouse, a sock, a ball, a pen"),
                (
                    "Sing a rhyme everyone knows and clap along.",
                    "Pull an object from the bag and say its first sound together.",
                    "Ask who can think of another word starting with the same sound.",
                ),
            ),
        ),
        Unit(
            "Retelling a story",
            "Telling a story back in order, and changing it.",
            (
                "I can say who is in the story.",
                "I can retell a story in order using pictures.",
                "I can act out part of a story with friends.",
                (
                    "I can change one thing in a story and tell my new version.",
                    "Start small: a different animal, a different place. Write their "
                    "version down for them to take home.",
                ),
            ),
            notes="<p>Photocopy four or five pictures from the book for the children to put "
            "in order on a washing line. Drama works best outdoors or in the big hall.</p>",
        ),
    ),
)

MINIBEASTS = Curriculum(
    group="st-marys-forest-school",
    title="Minibeasts and Their Homes",
    subjects=("nature", "science"),
    ages=(4, 9),
    duration="Six Friday mornings in spring or early summer",
    summary="Finding, looking closely at and caring for the small creatures of the woods, "
    "their habitats and how they grow.",
    introduction="<p>Children learn to look carefully and handle living things gently. "
    "Every creature goes back where it was found. Hunts work best on a mild, damp morning; "
    "bring spare gloves and a first-aid kit.</p>",
    licence=Licence.CC_BY,
    units=(
        Unit(
            "Minibeast hunt",
            "Searching, looking closely and counting legs.",
            (
                (
                    "I can look for minibeasts under logs and stones and put them back gently.",
                    "Roll logs towards you, and put them back the way they were.",
                ),
                "I can use a magnifier to look closely at a minibeast.",
                (
                    "I can count the legs on a minibeast and say whether it is an insect.",
                    "Insects have six legs, spiders eight and woodlice fourteen.",
                ),
                "I can name five minibeasts I found.",
            ),
            Activity(
                "Log-pile hunt",
                45,
                (
                    "Bug pots with magnifying lids",
                    "Soft paintbrushes for moving minibeasts",
                    "A picture identification sheet",
                    "Clipboards and pencils",
                ),
                (
                    "Agree the rules: gentle hands, look then return.",
                    "In pairs, search one log pile and one patch of leaf litter.",
                    "Brush a minibeast into a pot, look closely and count its legs.",
                    "Tick it on the sheet, then put it back where it was found.",
                ),
            ),
        ),
        Unit(
            "Homes and habitats",
            "Why minibeasts live where they do, and making a home for them.",
            (
                "I can say why woodlice like damp, dark places.",
                "I can compare the minibeasts I find in two different habitats.",
                "I can build a bug hotel from natural materials.",
            ),
            Activity(
                "Bug hotel",
                60,
                (
                    "Pallets or bricks for the frame",
                    "Hollow stems, pine cones, bark, dry leaves and straw",
                    "Gloves for everyone",
                ),
                (
                    "Talk about what different minibeasts need: damp, dark, dry or hollow.",
                    "Stack the frame in a quiet, shady spot.",
                    "Fill each gap with a different material.",
                    "Visit again in three weeks to see who has moved in.",
                ),
            ),
        ),
        Unit(
            "Life cycles",
            "How butterflies and frogs change as they grow.",
            (
                "I can put the life cycle of a butterfly in order.",
                "I can find eggs, larvae or pupae and say what they will become.",
                "I can describe how a frog changes from frogspawn.",
                (
                    "I can explain why we leave nests and frogspawn where we find them.",
                    "Taking frogspawn from the wild is discouraged; visit the pond instead.",
                ),
            ),
            notes="<p>Visit the St Mary's pond every fortnight from March to see the "
            "frogspawn change. Children draw what they see in their nature journals.</p>",
        ),
    ),
)

FORCES = Curriculum(
    group="old-town-free-school",
    title="Floating, Sinking and Forces",
    subjects=("science",),
    ages=(6, 10),
    duration="Five weekly afternoons",
    summary="Pushes, pulls, floating and friction, learned through fair tests children "
    "plan and carry out themselves.",
    introduction="<p>Each unit builds one habit of a scientist: predicting, measuring, "
    "keeping a test fair, and explaining what happened. Children keep a results book "
    "through the whole curriculum.</p>",
    units=(
        Unit(
            "Pushes and pulls",
            "Making things move, and measuring how far they go.",
            (
                "I can say whether I am pushing or pulling to make something move.",
                "I can show that a bigger push makes a ball go further.",
                "I can measure how far a toy car rolls in centimetres.",
                "I can record my results in a table.",
            ),
            Activity(
                "Ramp races",
                45,
                ("A plank and books to prop it", "Toy cars", "Tape measures", "Results sheets"),
                (
                    "Prop the plank on one book and let a car roll down; measure how far.",
                    "Add a book at a time and predict what will happen.",
                    "Record each distance in the table and look for a pattern.",
                ),
            ),
        ),
        Unit(
            "Floating and sinking",
            "Predicting, testing and changing shapes to make things float.",
            (
                "I can predict whether an object will float or sink, and test it.",
                "I can sort objects by the material they are made of.",
                (
                    "I can make a lump of plasticine float by changing its shape.",
                    "Let them struggle a little: the boat shape usually comes after several tries.",
                ),
                (
                    "I can explain why my test was fair.",
                    "Same water, same way of putting the object in; change one thing only.",
                ),
            ),
            Activity(
                "Float or sink?",
                40,
                (
                    "Washing-up bowls of water and towels",
                    "A tray of objects: cork, coin, apple, key, sponge, plastic lid",
                    "Plasticine",
                ),
                (
                    "Sort the objects into “will float” and “will sink” before testing.",
                    "Test each one and move it if the prediction was wrong.",
                    "Challenge: make the plasticine float, then see how many coins it carries.",
                ),
            ),
        ),
        Unit(
            "Friction",
            "Why things slide easily on some surfaces and not others.",
            (
                "I can compare how far a shoe slides on different surfaces.",
                "I can say what friction is in my own words.",
                "I can name one place where friction helps us and one where it is a nuisance.",
            ),
            notes="<p>Use the hall floor, a carpet square, a doormat and a tray of sand. "
            "Pull each shoe with a spring balance if you have one.</p>",
        ),
    ),
)

MUSIC = Curriculum(
    group="northfields-parent-co-op",
    title="Rhythm, Song and Homemade Instruments",
    subjects=("music",),
    ages=(3, 7),
    duration="Eight weekly sessions of 40 minutes",
    summary="Keeping a beat, singing together and making instruments from things at home.",
    introduction="<p>No instruments or musical training needed: a voice, a steady clap and "
    "a box of clean recycling will do. Every session ends with the same goodbye song so "
    "children know what comes next.</p>",
    units=(
        Unit(
            "Keeping the beat",
            "Feeling and keeping a steady pulse.",
            (
                (
                    "I can clap or tap along to a steady beat.",
                    "Start slowly. Children who rush often settle if they march the beat.",
                ),
                "I can march in time to music and stop when it stops.",
                "I can play a beat loudly and then quietly.",
            ),
            notes="<p>Use a drum or a tambourine for the beat and let children take turns to "
            "lead. “Grand old Duke of York” is good for marching and stopping.</p>",
        ),
        Unit(
            "High and low, fast and slow",
            "Singing together and hearing how music changes.",
            (
                "I can sing a song from memory with the group.",
                "I can show with my hands when a tune goes up or down.",
                "I can play fast and slow on a drum when the leader signals.",
                "I can sing my part in a call-and-response song.",
            ),
            notes="<p>Good songs to start with: “Down by the bay”, “Miss Polly had a "
            "dolly” and “Kye kye kule”.</p>",
        ),
        Unit(
            "Making instruments",
            "Shakers and rubber-band guitars from things at home.",
            (
                "I can make a shaker and choose what to fill it with.",
                "I can explain why a fuller shaker sounds different.",
                "I can play my instrument in a group piece, starting and stopping on a signal.",
            ),
            Activity(
                "Shakers and box guitars",
                40,
                (
                    "Clean plastic bottles with lids, and tissue boxes",
                    "Rice, dried beans and buttons",
                    "Rubber bands of different thicknesses",
                    "Stickers and tape",
                ),
                (
                    "Fill one bottle with rice and one with beans; listen to the difference.",
                    "Stretch rubber bands around a tissue box and pluck them.",
                    "Decorate the instruments.",
                    "Play together: everyone starts and stops when the leader raises a hand.",
                ),
            ),
        ),
    ),
)

WOODWORK = Curriculum(
    group="mill-end-maker-club",
    title="Woodwork for Beginners",
    subjects=("art", "science"),
    ages=(8, 14),
    duration="Eight Saturday mornings",
    summary="Safe use of hand tools, from marking and sawing to making a small box to take home.",
    introduction="<p>Written by our volunteers for the club's workshop and its tools. It "
    "assumes one adult for every four learners at the benches. Please ask us before using "
    "it elsewhere.</p>",
    licence=Licence.ALL_RIGHTS_RESERVED,
    units=(
        Unit(
            "Safe in the workshop",
            "The tools, the rules and looking after the workshop.",
            (
                "I can name the main hand tools and say what each is for.",
                (
                    "I can clamp my work before I saw or drill.",
                    "Check every clamp yourself before any saw touches the wood.",
                ),
                "I can wear safety glasses and explain why.",
                "I can tidy my bench and put tools back where they belong.",
            ),
            notes="<p>Walk round the workshop together before anyone picks up a tool. Each tool "
            "has an outline on the wall board, so a missing one shows at a glance.</p>",
        ),
        Unit(
            "Measuring, marking and sawing",
            "Accurate lines and straight cuts.",
            (
                "I can measure and mark a line to the nearest millimetre.",
                "I can use a try square to mark a line across a board.",
                "I can start a saw cut on the waste side of my line.",
                "I can saw a straight cut with a tenon saw.",
            ),
            Activity(
                "Cut a coaster",
                50,
                (
                    "Offcuts of 90 mm pine board",
                    "Rulers, try squares and pencils",
                    "Bench hooks, clamps and tenon saws",
                    "Sandpaper",
                ),
                (
                    "Measure and mark a 90 mm square with the try square.",
                    "Shade the waste side of each line.",
                    "Clamp the board and saw to the line.",
                    "Sand the edges smooth and compare coasters with a partner.",
                ),
            ),
        ),
        Unit(
            "Joining wood",
            "Screws, nails and glue, and when to use each.",
            (
                "I can drill a pilot hole before putting in a screw.",
                "I can glue and clamp a butt joint.",
                "I can choose between nails, screws and glue for a job.",
            ),
            notes="<p>Make a test piece of each joint from offcuts, then try to pull them apart: "
            "learners are always surprised how strong a glued joint is.</p>",
        ),
        Unit(
            "Making a small box",
            "Planning, cutting, assembling and finishing a box.",
            (
                "I can read a simple plan with measurements.",
                "I can cut four sides the same length.",
                "I can assemble my box and sand it smooth.",
                "I can finish my box with wax or oil.",
            ),
            notes="<p>Plan for three sessions. Learners who finish early can add a lid or a "
            "divider; wax needs a day to harden before the box goes home.</p>",
        ),
    ),
)

LOCAL_HISTORY = Curriculum(
    group="old-town-free-school",
    title="Ashby Vale Through Time",
    subjects=("history",),
    ages=(7, 11),
    duration="A half term of Friday projects",
    summary="Our own town's history from old photographs, the mill records and the memories "
    "of older neighbours.",
    introduction="<p>History starts on the doorstep. Children work like historians with "
    "real sources: photographs from the library's local studies room, census pages and "
    "interviews with people who remember the town before the bypass.</p>",
    units=(
        Unit(
            "Our street long ago",
            "Reading old photographs for clues.",
            (
                "I can compare an old photograph of our street with how it looks today.",
                "I can spot clues in a photograph that tell me when it was taken.",
                "I can put photographs of the town in time order.",
            ),
            Activity(
                "Then and now walk",
                60,
                (
                    "Printed old photographs of Station Road and the market place",
                    "Clipboards and pencils",
                    "A tablet or camera",
                ),
                (
                    "Stand where the old photographer stood and hold up the photograph.",
                    "List what has stayed the same and what has changed.",
                    "Take a photograph from the same spot for the class display.",
                ),
            ),
        ),
        Unit(
            "The mill and the river",
            "Why the town grew, and the children who worked there.",
            (
                "I can explain why the mill was built beside the river.",
                "I can describe a day in the life of a child who worked at the mill in 1850.",
                (
                    "I can use a census record to find out who lived in a house.",
                    "The 1851 census for Mill End is in the library's local studies room; "
                    "print the pages beforehand.",
                ),
                "I can say how working life for children has changed.",
            ),
            notes="<p>The mill is now the Maker Club's home: ask them for a visit and look for "
            "the old water channel under the car park. The local studies room has copies of "
            "the mill's 1850s wage books.</p>",
        ),
        Unit(
            "Asking our elders",
            "Oral history: interviewing people who remember.",
            (
                "I can plan good questions for an interview.",
                "I can listen carefully and take notes.",
                (
                    "I can ask permission before recording someone.",
                    "Explain where the recording will be kept and who will hear it.",
                ),
                "I can share what I learned with the group.",
                "I can say how a memory and a written record can differ.",
            ),
            notes="<p>The Old Library's Thursday coffee morning is happy to be interviewed. "
            "Arrange it a fortnight ahead, and go in pairs with an adult.</p>",
        ),
    ),
)

MICROBITS = Curriculum(
    group="mill-end-maker-club",
    title="Coding with Micro:bits",
    subjects=("computing", "science"),
    ages=(9, 14),
    duration="Six Saturday mornings",
    summary="Programming a BBC micro:bit with blocks, from a first scrolling message to a "
    "working step counter.",
    introduction="<p>Learners work in pairs, one at the keyboard and one reading the "
    "instructions, swapping every ten minutes. The club lends micro:bits; families can "
    "keep going at home with the free online editor.</p>",
    units=(
        Unit(
            "First programs",
            "Getting a program onto the micro:bit.",
            (
                "I can download a program to the micro:bit and run it.",
                "I can make the lights show a picture and a scrolling message.",
                "I can explain that a program is a list of instructions in order.",
            ),
            notes="<p>Start away from the computers: one learner gives the other spoken "
            "instructions to draw a smiley face on a 5 × 5 grid, just like the micro:bit's "
            "lights.</p>",
        ),
        Unit(
            "Inputs and loops",
            "Buttons, loops and variables.",
            (
                "I can use the buttons to change what the micro:bit does.",
                "I can use a forever loop and a repeat loop, and say how they differ.",
                "I can use a variable to keep count.",
                (
                    "I can find and fix a bug in my program.",
                    "Ask them to read the program aloud, one block at a time, before you "
                    "point anything out.",
                ),
            ),
            Activity(
                "Make a dice",
                45,
                ("A micro:bit, battery pack and USB lead per pair", "Laptops"),
                (
                    "When the micro:bit is shaken, pick a random number from 1 to 6.",
                    "Show the number, then a dice face instead.",
                    "Add a count of how many times each number comes up.",
                    "Roll 60 times: is your dice fair?",
                ),
            ),
        ),
        Unit(
            "Radio and sensors",
            "Sending messages and measuring the world.",
            (
                "I can send a message from one micro:bit to another by radio.",
                "I can read the temperature and light sensors.",
                "I can build a step counter with the accelerometer.",
                "I can test my step counter and improve it.",
            ),
            notes="<p>Pair up with another team to send messages by radio; set a group number so "
            "teams don't pick up each other's messages. Walk 100 steps to test the "
            "counter.</p>",
        ),
    ),
)

PUZZLES = Curriculum(
    group="ashby-vale-maths-circle",
    title="Puzzles and Proof",
    subjects=("maths",),
    ages=(11, 16),
    duration="A term of weekly circles",
    summary="Patterns, parity and the difference between being sure and being fairly sure: "
    "an introduction to mathematical proof through puzzles.",
    introduction="<p>Each circle opens with a puzzle on the board as people arrive. Work is "
    "in small groups; the aim is an explanation that convinces a sceptical friend, not "
    "just an answer.</p>",
    units=(
        Unit(
            "Patterns in numbers",
            "Spotting, describing and predicting patterns.",
            (
                "I can spot a pattern in a sequence and describe it in words.",
                "I can predict the 10th and 100th terms of a sequence.",
                "I can write a rule for the nth term of a linear sequence.",
            ),
            notes="<p>Matchstick patterns work well: squares in a row need 4, 7, 10 … matches. "
            "Ask how many for 100 squares before anyone writes a formula.</p>",
        ),
        Unit(
            "Odd and even arguments",
            "Using parity to explain and to rule things out.",
            (
                "I can explain why the sum of two odd numbers is always even.",
                (
                    "I can use odd and even to show that a puzzle has no solution.",
                    "The classic: a chessboard with two opposite corners removed cannot be "
                    "covered by dominoes.",
                ),
                "I can write an even number as 2n and an odd number as 2n + 1.",
            ),
            notes="<p>Draw even numbers as pairs of dots and odd numbers as pairs with one left "
            "over. Most arguments in this unit can be made with the pictures alone.</p>",
        ),
        Unit(
            "Explaining why",
            "From checking examples to writing a proof.",
            (
                "I can tell the difference between checking examples and proving something.",
                "I can find a counterexample to a false statement.",
                "I can write a short proof that a friend can follow.",
                "I can give and take helpful feedback on a proof.",
            ),
            notes="<p>Groups swap proofs and mark each step “convinced” or “not yet”. A good "
            "proof to start with: the sum of three consecutive numbers is a multiple of "
            "3.</p>",
        ),
    ),
)

CURRICULA = [
    FRACTIONS,
    READING,
    MINIBEASTS,
    FORCES,
    MUSIC,
    WOODWORK,
    LOCAL_HISTORY,
    MICROBITS,
    PUZZLES,
]

ADOPTIONS = [
    Adoption(
        FRACTIONS.slug,
        "old-town-free-school",
        "david",
        "Riverside's kitchen fractions, adapted for our mixed Year 3 and 4 class: we cook "
        "in the school kitchen on Wednesday afternoons.",
    ),
    Adoption(
        MINIBEASTS.slug,
        "northfields-parent-co-op",
        "chloe",
        "St Mary's minibeast hunts for our three- to six-year-olds: shorter hunts in the "
        "co-op garden, and lots of singing about bugs.",
    ),
]
