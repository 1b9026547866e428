"""Who did it? A deterministic reading of "I cheated on her" vs "she cheated on me".

Bag-of-words features and sentence embeddings both see nearly the same words
in those two sentences, so the classifier alone confuses ``i_broke_trust`` and
``i_was_betrayed``. This module reads the sentence the way a person would ask
"who did it, and to whom?", with token patterns only (no parser, no model):

1. The sentence is cut into tokens and the people in it are chunked: the
   speaker (``i``, ``me``, ``my``), the partner (``he``, ``her``, ``my wife``,
   ``my husbands``, ``hubby``), "we", and other people (``my best friend``,
   ``another woman``).
2. Breach phrases are found (``cheated``, ``lies``, ``had an affair``,
   ``secret account``, ``behind my back``, ``hurt``, ...). For each one:

   * passive (``i was cheated on``, ``i feel betrayed``, ``she is hurt``): the
     subject is who it was done to;
   * possessive (``my affair``, ``his lies``, ``my wife's gambling``): the owner did it;
   * a noun after an article (``an affair``, ``the lies``) needs a verb that
     gives it a doer (``had``, ``told``, ``kept``, ``confessed``, ``guilty about``);
     after ``found out about``/``discovered`` the finder is the one it was done to;
   * otherwise the nearest person before it did it -- a subject at any
     distance (``i found out my husband cheated``), an object only right
     before it (``my wife caught me sexting``, ``i forgave him for lying``);
   * who it was done to follows it (``cheated on me``, ``hid it from my wife``).

   Negated events (``i never cheated``) are dropped; "thinks I'm cheating" and
   "accused me of lying" are accusations, not facts, and dropped as well.
3. Weaker cues count only when no breach phrase decides: who found out or
   caught whom, who can't trust whom, ``he did it``, ``it was me``, ``not me``.

The first deciding event wins, except that after a correction ("actually",
"no,", "wait", "i mean") only what follows it counts. Sentences that name
nobody ("it was an affair", "how do I rebuild trust") give ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.words import words

OFFENDER = "offender"
BETRAYED = "betrayed"

# Who a person reference is.
FIRST, THIRD, WE, OTHER = "first", "third", "we", "other"
# How it can be used: subject, object, possessive, "her" (object or possessive), any.
SUBJ, OBJ, POSS, OBJPOSS, ANY = "subj", "obj", "poss", "objposs", "any"
# The speaker's role when this person did it.
_DOER_ROLE = {FIRST: OFFENDER, THIRD: BETRAYED}

# Pronouns and partner words come from data/words/ (shared with the language and safety code).
# "her" is left out of the object and possessive sets: it is read as either (OBJPOSS).
_FIRST_SUBJ = words("pronouns", "first_subject")
_FIRST_OBJ = words("pronouns", "first_object")
_THIRD_SUBJ = words("pronouns", "third_subject")
_THIRD_OBJ = words("pronouns", "third_object") - {"her"}
_THIRD_POSS = words("pronouns", "third_possessive") - {"her"}
_WE = words("pronouns", "we")
# Contractions that carry "am/are" (not "he's": that is usually "he has").
_BE_CONTRACTIONS = frozenset({"i'm", "im", "we're", "they're", "theyre", "you're", "youre"})

_PARTNER_WORDS = frozenset(w for w in words("partners", "partner") if " " not in w)
# Words that mean the partner only after "my": "my man".
_MY_PARTNER_WORDS = words("partners", "partner_after_my")
_OTHER_WORDS = frozenset(w for w in words("partners", "other_people") if " " not in w) | frozenset({
    "someone", "somebody", "anyone", "woman", "man", "guy", "girl", "women", "men", "guys", "girls",
    "people", "person", "lover", "kids", "son", "daughter", "family", "parents", "ap", "lady", "dude",
})
# People named without a determiner: "someone", "people"; "person" alone ("the worst person") is not.
_BARE_OTHERS = frozenset({"someone", "somebody", "anyone", "everyone", "people", "nobody", "everybody"})
_OTHER_DETERMINERS = frozenset({
    "a", "an", "another", "some", "the", "this", "that", "his", "her", "my", "our", "their", "your",
})
_PERSON_MODIFIERS = frozenset({
    "best", "old", "close", "new", "other", "female", "male", "ex", "work", "own", "younger", "older",
    "random", "married",
})

_PREPOSITIONS = frozenset({
    "to", "with", "at", "from", "for", "about", "of", "on", "in", "by", "behind", "against", "without",
    "around", "near", "like", "between", "towards", "toward", "than",
})
_SENTENCE_END = frozenset({".", "!", "?", ";"})
_PUNCT = frozenset({".", ",", "!", "?", ";", ":"})
# Shared negations, less the ones that only correct ("nope", "nah") or need not deny ("without").
_NEGATIONS = words("negations", "negation") - {"nope", "nah", "without", "n't", "neither", "nor"}
# "I didn't mean to cheat", "he can't stop lying": not a denial.
_NEGATION_EXCEPTIONS = frozenset({
    "mean", "meant", "want", "wanted", "intend", "intended", "plan", "planned", "stop", "stopped",
    "quit", "help", "believe", "explain", "understand", "realize", "realise", "know", "knew", "think",
    "just", "only", "forgive", "forget",
})
_NOT_THE_ONE = "<not-the-one>"  # "i'm not the one who cheated": the other one did
_NONFACTIVE = frozenset({
    "thinks", "think", "thought", "suspects", "suspect", "suspected", "believes", "believed", "assumes",
    "assumed", "accuses", "accused", "accusing", "claims", "claimed", "says", "said", "insists",
    "insisted", "convinced", "blames", "blamed",
})
_ADVERBS = frozenset({
    "so", "really", "completely", "totally", "just", "always", "repeatedly", "constantly", "badly",
    "deeply", "again", "still", "secretly", "also", "too", "even", "very", "truly", "utterly",
    "basically", "literally", "ever", "actually",
})
_BE_WORDS = frozenset({
    "am", "is", "are", "was", "were", "be", "been", "being", "get", "got", "gets", "getting", "gotten",
    "feel", "feels", "felt", "feeling", "seem", "seems", "seemed",
})
# Past participles that, after a be/get/feel word, make the subject the one it was done to.
_PARTICIPLES = frozenset({
    "cheated", "lied", "lyed", "betrayed", "deceived", "decieved", "used", "played", "fooled",
    "manipulated", "gaslit", "gaslighted", "misled", "hurt", "ignored", "neglected", "abandoned",
    "stonewalled", "blindsided", "wronged", "backstabbed", "two-timed", "duped", "conned", "scammed",
})
# An object pronoun may be the doer when it stands right before the breach ("caught me sexting")
# or one of these words away ("forgave him for lying", "stop her from drinking").
_OBJECT_GAP = frozenset({"about", "for", "of", "from"})
# A gerund after these has no doer in the sentence: "how do I rebuild trust after cheating".
_BLOCKERS = frozenset({
    "after", "since", "despite", "over", "with", "through", "before", "without", "like", "than",
    "into", "from", "because", "instead", "around", "against",
})
_DETERMINERS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "another", "some", "any", "all", "such", "more",
    "every", "each", "one", "two", "many", "several", "so", "much", "lots", "lot", "of",
})
# Words that may stand between an owner/article and the breach noun: "his many affairs".
_NOT_FILLERS = _PUNCT | _NEGATIONS | _BE_WORDS | frozenset({
    "and", "or", "but", "to", "with", "about", "in", "on", "at", "from", "by", "for", "it", "that",
    "who", "which", "what", "when", "if", "because", "have", "has", "had", "do", "did", "does",
})
# Verbs and phrases that give a breach noun its doer: "had an affair", "told lies",
# "kept secrets", "confessed to the affair", "guilty about the lies".
_LIGHT = frozenset({
    "had", "have", "has", "having", "started", "start", "starts", "starting", "began", "begin",
    "begun", "carried", "carrying", "keep", "keeps", "kept", "keeping", "told", "tell", "tells",
    "telling", "hid", "hide", "hides", "hiding", "opened", "open", "opens", "opening", "got", "get",
    "gets", "getting", "in", "committed", "commit", "ended", "end", "ending", "confessed", "confess",
    "confessing", "admitted", "admit", "admitting", "regret", "regrets", "regretted", "apologized",
    "apologised", "apologize", "apologise", "apologizing", "apologising", "sorry", "guilty", "ashamed",
    "responsible", "caused", "cause", "owned", "continued", "continue", "continues", "resumed",
    "pursued", "made", "make", "ran", "took", "take", "owes", "owe", "owed", "living", "leading",
    "led", "lived", "live", "leads", "lives", "racked", "maxed", "fed", "spun", "spinning", "did", "do",
    "does", "done", "doing",
})
_PARTICLES = frozenset({"to", "up", "on", "out", "for", "of", "about", "into", "off"})
# Finding out makes the finder the one it was done to: "i found out about the affair".
_DISCOVERY = frozenset({
    "found", "find", "finds", "discovered", "discover", "discovers", "learned", "learnt", "learn",
    "uncovered", "saw", "see", "seen", "read", "noticed", "figured", "caught", "catch", "catches", "heard",
})
_DITRANSITIVE = frozenset({
    "told", "tell", "tells", "telling", "gave", "give", "gives", "giving", "showed", "show", "shows",
    "sent", "send", "sends", "owe", "owes", "owed", "asked", "ask", "fed", "feed", "feeding",
})
_PATIENT_PREPS = frozenset({"on", "to", "from", "against", "toward", "towards"})
_DEVICES = frozenset({
    "phone", "laptop", "computer", "tablet", "ipad", "account", "email", "emails", "statement",
    "statements", "card", "browser", "history", "car", "desk", "wallet", "bank", "cell",
})
# "i read his texts": whose messages were found is who did it (a weak cue).
_MESSAGES = frozenset({
    "texts", "messages", "emails", "dms", "chats", "phone", "sexts", "browser", "search", "whatsapp",
    "snapchat", "instagram", "facebook", "messenger", "inbox", "statements", "receipts",
})
_QUESTION_WORDS = frozenset({"what", "how", "why", "if", "when", "where", "who", "whether"})
# What may stand between a subject and "cheater", "victim": "i'm the", "he is such a total".
_COPULA_GAP = frozenset({
    "am", "is", "are", "was", "were", "be", "been", "being", "a", "an", "the", "such", "total", "serial",
    "real", "big", "compulsive", "chronic", "pathological", "habitual", "just", "also", "still", "now",
    "actually", "really", "one", "only", "truly", "definitely", "clearly", "obviously", "basically",
    "complete", "huge", "lying", "cheating", "functioning", "recovering", "active",
})

_PARTNER_RE = r"(?:ex )?(?:husband|husbnd|husbnad|hubby|hubbie|hubs|wife|wifey|partner|spouse|boyfriend|" \
    r"girlfriend|bf|gf|fianc\w*|missus)(?:'s|s)?"
_OBJ_RE = r"(?:me|him|her|them|us|my \w+|our \w+|his \w+|her \w+)"
_BAD = r"(?:cheating|lying|unfaithful|deceitful|dishonest|alcoholic|addict|gambling|drunk|drunken|" \
    r"cheater|liar|sexting|betraying|abusive|narcissistic|selfish|manipulative|adulterous)"


@dataclass(frozen=True)
class _Pattern:
    kind: str  # "verb", "noun", "trans" (counts with an object or as a passive), "agent", "patient"
    regex: re.Pattern
    nounable: bool = False  # after an article it is a noun: "the lying", "a gambling problem"
    transitive: bool = False  # its direct object is who it was done to: "betrayed me"
    inner_patient: bool = False  # who it was done to is inside it: "behind my back", "shut me out"
    from_scan: bool = False  # "hid the money from my wife"
    strong: bool = True  # weak cues (found out, can't trust) decide only when nothing else does
    patient_is_doer: bool = False  # "caught me": the person inside did it


def _p(kind: str, regex: str, **flags) -> _Pattern:
    return _Pattern(kind, re.compile(rf"(?<![^ ])(?:{regex})(?![^ ])"), **flags)


# Longer matches win over shorter ones starting at the same token; a match starting
# inside an earlier one is dropped.
_PATTERNS: tuple[_Pattern, ...] = (
    # Identity: "i'm the cheater", "my husband is an alcoholic", "im the hurt one".
    _p("agent",
       r"(?:cheater|cheaters|an? cheat|liar|liars|addict|alcoholic|gambler|adulterer|adulteress|betrayer|"
       r"drunk|offender|wrongdoer|guilty (?:one|party|partner|spouse)|one at fault|at fault|"
       r"one in the wrong|in the wrong|to blame|(?:unfaithful|cheating|lying|offending|straying) "
       r"(?:one|partner|spouse|party|husband|wife|boyfriend|girlfriend)|responsible for "
       r"(?:this|it|everything|all of this|all this|what happened|the mess|this mess|the damage)|"
       r"(?:partner|one|person|spouse) who (?:did|caused) (?:the damage|it|this|wrong)|"
       r"reason (?:we|we're|were|for|this|our|why|everything|it|that)|the problem|"
       r"(?:terrible|awful|bad|horrible|shitty|lousy|crap|rubbish|selfish) "
       r"(?:husband|wife|partner|spouse|boyfriend|girlfriend|fiance|fiancee))"),
    _p("victim", r"(?:my|his|her|their|\w+'s|\w+s) (?:trust|heart) (?:was|has been|had been|got|is|"
                 r"being) (?:\w+ )?(?:betrayed|broken|shattered|destroyed|crushed|violated)"),
    _p("patient",
       r"victim|(?:betrayed|hurt|injured|wronged|deceived) (?:one|partner|spouse|party|husband|wife|"
       r"boyfriend|girlfriend)"),
    # "my cheating husband", "my lying wife": the partner did it.
    _p("agent", rf"{_BAD}(?: {_BAD})* (?:piece of \w+ )?{_PARTNER_RE}"),
    # Verbs (and gerunds) whose doer is their subject.
    _p("verb", r"che+a?t(?:s|ed|d|ing|in)?(?! (?:sheet|sheets|code|codes|day|meal|meals))",
       nounable=True, transitive=True),
    _p("verb", r"(?:lie|lies|lied|lying|lyin|lyed|lieing|lye|fib|fibs|fibbed|fibbing)"
               r"(?! (?:awake|down|in|on|there|here|still|back|low|around|flat|next|beside|ahead|dormant)\b)",
       nounable=True),
    _p("verb", r"(?:told|tell|tells|telling) (?:(?:my|our) \w+ )?(?:(?:me|him|her|them|us|you|so|many|"
               r"a|lot|of|all|these|those|more|some|little|white|big|the|such|countless|endless|constant|"
               r"huge|another|blatant) ){0,4}(?:lies|lie|fibs|half truths|untruths)", inner_patient=True),
    _p("verb", r"gamb(?:e?l)(?:e|es|ed|ing|in)(?: away)?", nounable=True),
    _p("verb", r"(?:bet|bets|betting)(?= (?:on|again|online|money|our|the|all|away|everything))",
       nounable=True),
    _p("verb", r"sext(?:s|ed|ing)?", nounable=True),
    _p("verb", r"drinking(?! (?:water|coffee|tea|juice|milk))", nounable=True),
    _p("verb", r"(?:drunk|drank|drinks|drink)(?! (?:water|coffee|tea|juice|milk|with friends))"),
    _p("verb", r"relaps(?:e|es|ed|ing)", nounable=True),
    _p("verb", r"addicted"),
    _p("verb", r"hid|hide|hides|hiding|hidden|conceal|conceals|concealed|concealing",
       nounable=True, from_scan=True),
    _p("verb", r"(?:kept|keep|keeps|keeping)(?= (?:[^ ]+ ){0,4}?from )", from_scan=True),
    _p("verb", r"(?:kept|keep|keeps|keeping) (?:it|this|that|things|stuff|everything) "
               r"(?:quiet|hidden|secret|a secret|to (?:himself|herself|myself|themselves))"),
    _p("verb", r"betra(?:y|ye)(?:s|ed|d|ing)?|dec(?:ei|ie)v(?:e|es|ed|ing)", nounable=True, transitive=True),
    _p("verb", r"(?:slept|sleep|sleeps|sleeping) (?:around|with)|(?:had|have|has|having) sex with|"
               r"(?:sent|send|sends|sending|shared|traded|trading|received) (?:\w+ )?(?:nudes|naked (?:pics|"
               r"photos|pictures)|dick pics|explicit (?:pics|photos|messages))|chated(?= on)"),
    _p("verb", r"(?:playing|played|plays|play) (?:online )?(?:poker|slots|blackjack|roulette|the pokies)|"
               r"(?:at|to|in) (?:the |a )?(?:casino|casinos|racetrack|track|bookies|bookmakers)|"
               r"(?:sports|online) betting|(?:lost|lose|loses|losing) (?:\w+ ){0,3}?(?:gambling|betting|"
               r"at the casino|on poker|on slots|on sports)"),
    _p("verb", r"(?:ruined|ruin|ruins|ruining|destroyed|destroy|destroys|destroying|wrecked|wreck|wrecks|"
               r"blew up|blown up) (?:our|my|his|her|the|this) (?:marriage|family|relationship|life|lives|"
               r"home|engagement)|(?:ruined|destroyed|wrecked) everything"),
    _p("verb", rf"(?:put|puts|putting|prioriti[sz]ed?|prioriti[sz]es|chose|chooses|choose) (?:\w+ ){{1,2}}"
               rf"(?:before|ahead of|over) {_OBJ_RE}", inner_patient=True),
    _p("verb", r"hook(?:s|ed|ing)? up(?: with)?"),
    _p("verb", r"unfaithful|disloyal|two timing|two-timing"),
    _p("verb", r"(?:not|never|wasn't|wasnt|weren't|werent|isn't|isnt|haven't|havent|hasn't|hasnt|"
               r"hadn't|hadnt|aren't|arent)(?: been)?(?: (?:completely|entirely|fully|totally|always|"
               r"very|really|100%))? (?:honest|truthful|faithful|loyal|upfront|transparent)"),
    _p("verb", r"behind (?:(?:my|his|her|their|our|the) )?(?:ex )?(?:\w+'s |\w+s )?backs?",
       inner_patient=True),
    _p("verb", r"in (?:a|another|the|his|her|my|one) lie|in bed with"),
    _p("verb", r"(?:text|texts|texted|texting|messag(?:e|es|ed|ing)|flirt(?:s|ed|ing)?(?: with)?|"
               r"kiss(?:es|ed|ing)?|dating|seeing|meeting|met up with|meeting up with|sleeping around "
               r"with|making out with|made out with|snapchatting|snapping) (?:with )?"
               r"(?:an? |another |other |some |my |his |her |the |this |that )?(?:\w+ )?"
               r"(?:woman|women|man|men|guy|guys|girl|girls|ex|coworker|colleague|someone|somebody|"
               r"person|people|lady|ladies|dude|stranger|strangers)(?: else)?", inner_patient=True),
    _p("verb", r"(?:on|using|use|uses|used|joined|join|downloaded|download|installed|install|"
               r"signed up (?:for|on)|swiping on) (?:a |the |some |these |those )?(?:tinder|bumble|"
               r"hinge|grindr|ashley madison|dating (?:app|apps|site|sites|website|websites))"),
    _p("verb", r"(?:watch|watches|watched|watching|look at|looks at|looked at|looking at|view|views|"
               r"viewed|viewing) (?:\w+ )?porn\w*"),
    _p("verb", r"(?:using|use|uses|used|doing|did|took|take|takes|taking|on|hooked on|addicted to|"
               r"smoking|smoked|snorting|snorted) (?:drugs|coke|cocaine|meth|heroin|pills|opioids|"
               r"painkillers|crack|weed)|using again|high again"),
    _p("verb", r"(?:spent|spend|spends|spending|blew|blow|blown|drained|drain|drains|draining|emptied|"
               r"empty|empties|emptying|wasted|waste|stole|took|cleaned out) (?:all |most |half |some |"
               r"much )?(?:of )?(?:our|the|my|his|her|their)? ?(?:joint |family |kids |rent |savings )?"
               r"(?:savings|money|retirement|401k|pension|college fund|emergency fund|paycheck|"
               r"inheritance|account|accounts|everything)"),
    _p("verb", r"stole|steal|steals|stealing", from_scan=True),
    _p("verb", r"(?:ran|run|runs|running|racked|racks|racking|rack|built|maxed|maxing) (?:up |out )?"
               r"(?:\w+ ){0,3}?(?:debts?|credit cards?|cards?|loans?|bills)"),
    _p("verb", r"(?:broke|break|breaks|breaking|broken|destroyed|destroy|destroys|destroying|shattered|"
               r"ruined|violated|betrayed|abused|lost) (?:(?:my|his|her|their|our|the|all|every|any) )?"
               r"(?:(?:\w+'s|\w+s|bit of|ounce of|shred of|little bit of|ex) )?(?:trust|heart|confidence)",
       inner_patient=True),
    _p("verb", r"(?:broke|break|breaks|breaking|broken|went back on|go back on|goes back on|going "
               r"back on|gone back on) (?:my|his|her|their|our|the|a|every|all|\w+'s|\w+s)? ?"
               r"(?:promises?|vows?|word)"),
    _p("verb", r"(?:never|doesn't|doesnt|didn't|didnt|don't|dont|won't|wont) (?:\w+ )?"
               r"(?:follows?|followed|following) through"),
    _p("verb", r"(?:never|not|isn't|wasn't|isnt|wasnt|hasn't|hasnt|haven't|havent|aren't|arent) "
               r"(?:been |really |even )?(?:there|around|present|available) for "
               rf"{_OBJ_RE}", inner_patient=True),
    _p("verb", r"emotionally (?:distant|unavailable|absent|checked out|abusive|neglectful)|checked out"
               r"|cold and distant|distant and cold"),
    _p("verb", rf"shut {_OBJ_RE} out|(?:took|take|takes|taking) {_OBJ_RE} for granted|"
               rf"(?:give|gives|gave|giving|given) {_OBJ_RE} the silent treatment", inner_patient=True),
    _p("verb", r"(?:messed|mess|messes|messing|screwed|screw|screws|screwing|fucked|fuck|effed|"
               r"stuffed) (?:up|it up|things up|everything up)|blew it|blown it|blow it|"
               r"crossed (?:a|the|that) line|threw it all away|threw (?:it|everything|us) away"),
    _p("verb", rf"let {_OBJ_RE} down", inner_patient=True),
    _p("verb", r"(?:did|done|do|does|doing) (?:something|things|stuff|some things)(?: (?:so |really |"
               r"very )?(?:terrible|awful|bad|horrible|unforgivable|stupid|wrong|shameful|hurtful|"
               r"horrific|unthinkable|dumb|evil|unspeakable|i can't take back|i cant take back|"
               r"i regret))?(?! (?:nice|good|great|kind|special|sweet|right|fun|for))"),
    _p("verb", r"did the unthinkable|did (?:wrong|the damage)"),
    _p("verb", r"(?:admitted|admits|confessed|confesses)(?: to)? (?:everything|it all|all of it|it|the truth)"
               r"|came clean|come clean|owned up|own up"),
    _p("verb", r"(?:did|done|do|does|doing) (?:this|that|it|all this|all of this|all that) to"),
    _p("trans", r"used|use|uses|using|played|fooled|fool|manipulated|manipulate|manipulates|"
                r"manipulating|gaslit|gaslighted|gaslighting|gaslights|gaslight|misled|mislead|"
                r"misleading|hurt|hurts|hurting|ignored|ignores|ignore|ignoring|neglected|neglects|"
                r"neglect|neglecting|abandoned|stonewall(?:s|ed|ing)?|blindsided|wronged|backstabbed|"
                r"two-timed|duped|conned|scammed|cheated",
       transitive=True),
    # Nouns: they need an owner ("his affair") or a verb that gives them a doer ("had an affair").
    _p("noun", r"fault|af+air(?:e|s|es)?|flings?|one night stands?|double life|secrets?|debts?|"
               r"betrayal|betrayals|infidelity|infidelities|deception|deceptions|dishonesty|adultery|"
               r"addiction|addictions|porn\w*|tinder|dating (?:app|apps|site|sites|profile|profiles)|"
               r"loans?|stash|bottles|relapses"),
    # Weak cues: who found out or caught whom, who can't trust whom.
    _p("trans", r"caught|catch|catches|catching|busted|walked in on|walks in on|walk in on",
       transitive=True, strong=False, patient_is_doer=True),
    _p("verb", r"(?:got|get|gets|getting|was|been) (?:caught|busted|found out)", strong=False),
)

_CORRECTION_ANYWHERE = frozenset({"actually", "correction", "nope"})
_CORRECTION_AT_START = frozenset({"no", "wait", "sorry", "rather", "sry", "oops", "nah"})


@dataclass(frozen=True)
class _Ref:
    start: int
    end: int
    who: str
    case: str


@dataclass(frozen=True)
class _Event:
    pos: int
    role: str | None
    strong: bool


def _tokens(text: str) -> list[str]:
    text = text.lower()
    for quote in "’‘`´":
        text = text.replace(quote, "'")
    text = re.sub(r"(\w)'(?!\w)", r"\1", text)  # husbands' -> husbands
    text = re.sub(r"(\w)-(\w)", r"\1 \2", text)  # ex-husband, one-night
    return re.findall(r"[^\W_]+(?:'[^\W_]+)*|[.,!?;:]", text)


_REF_SUBJ_RE = (
    r"(?:i|i'm|im|i've|ive|he|she|they|he's|hes|she's|shes|they're|theyre|"
    r"(?:my|the) (?:ex )?(?:husband|hubby|wife|partner|spouse|boyfriend|girlfriend|bf|gf|fianc\w*))"
)
_SUBJECT_FORM = {"me": "i", "him": "he", "her": "she", "them": "they", "myself": "i"}
# "im the one who cheated" is "i cheated", not the passive "im cheated".
_PLAIN_SUBJECT = {
    "i'm": "i", "im": "i", "i've": "i", "ive": "i", "he's": "he", "hes": "he", "she's": "she",
    "shes": "she", "they're": "they", "theyre": "they",
}


_AUX = (
    r"(?:has|have|had|been|was|is|can't|cant|cannot|can|could|couldn't|couldnt|doesn't|doesnt|don't|dont|"
    r"didn't|didnt|never|really|just|always|keeps|will|won't|wont|would|no|longer|ever|not|even) "
)
_OBJECT_FORM = {
    "i": "me", "i'm": "me", "im": "me", "i've": "me", "ive": "me", "he": "him", "he's": "him", "hes": "him",
    "she": "her", "she's": "her", "shes": "her", "they": "them", "they're": "them", "theyre": "them",
}


def _object_relative(match: re.Match) -> str:
    """"im the one he cheated on" -> "he cheated on me"; "he's the one i hurt" -> "i hurt him"."""
    obj = _OBJECT_FORM.get(match["ref"], match["ref"])
    neg = f"{_NOT_THE_ONE} " if match["neg"] else ""
    return f"{match['sub']} {neg}{match['aux'] or ''}{match['verb']}{match['prep'] or ''} {obj}"


def _normalise(tokens: list[str]) -> list[str]:
    """Rewrites "i'm the one who X" and "it was me who X" to "i X"."""
    text = " ".join(tokens)
    text = re.sub(
        rf"(?<![^ ])(?P<ref>{_REF_SUBJ_RE})(?: (?:am|is|are|was|were|has been|have been|had been))?"
        r"(?P<neg> (?:not|never)|(?: (?:wasn't|wasnt|isn't|isnt|am not|is not|was not)))?"
        r" the (?:one|person|partner|spouse) (?:that |whom? )?"
        r"(?P<sub>i|he|she|they|(?:my|the) (?:ex )?(?:husband|hubby|wife|partner|spouse|boyfriend|girlfriend|"
        rf"bf|gf|fianc\w*)) (?P<aux>(?:{_AUX})*)(?P<verb>[a-z]+)(?P<prep> (?:on|to|with|from|about|behind))?"
        r"(?![^ ])",
        _object_relative,
        text,
    )
    # "im not the one who cheated", "i was the one that lied", "he's the one who's lying".
    text = re.sub(
        rf"(?<![^ ])(?P<ref>{_REF_SUBJ_RE})(?: (?:am|is|are|was|were|has been|have been|had been))?"
        r"(?P<neg> (?:not|never)|(?: (?:wasn't|wasnt|isn't|isnt|am not|is not|was not)))?"
        r" the (?:one|person|partner|spouse)s?(?: (?:who's|whos|that's|thats))?(?: (?:who|that))?(?= )",
        lambda m: _PLAIN_SUBJECT.get(m["ref"], m["ref"]) + (f" {_NOT_THE_ONE}" if m["neg"] else ""),
        text,
    )
    # "it was me who lied", "it wasn't him that cheated".
    text = re.sub(
        r"(?<![^ ])(?:it|it's|its|that|that's|thats) (?P<neg>(?:was|is|'s)? ?not |wasn't |wasnt |"
        r"isn't |isnt )?(?:(?:was|is) )?(?P<ref>me|him|her|them|myself|my \w+|the \w+) (?:who|that)(?= )",
        lambda m: _SUBJECT_FORM.get(m["ref"], m["ref"]) + (f" {_NOT_THE_ONE}" if m["neg"] else ""),
        text,
    )
    return text.split(" ") if text else []


def _is_partner_word(token: str) -> tuple[bool, bool]:
    """(is a word for the partner, is possessive): "husband", "husband's", "husbands"."""
    if token in _PARTNER_WORDS:
        return True, False
    if token.endswith("'s") and token[:-2] in _PARTNER_WORDS:
        return True, True
    if token.endswith("s") and token[:-1] in _PARTNER_WORDS:
        return True, True
    return False, False


def _chunk(tokens: list[str]) -> list[_Ref]:
    refs: list[_Ref] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        # A partner: "my husband", "my ex wife's", "hubby", "the wife".
        if tok in ("my", "the") or _is_partner_word(tok)[0]:
            j = i + 1 if tok in ("my", "the") else i
            if j < n and tokens[j] == "ex" and j + 1 < n and _is_partner_word(tokens[j + 1])[0]:
                j += 1
            is_partner, possessive = _is_partner_word(tokens[j]) if j < n else (False, False)
            if not is_partner and tok == "my" and j < n and tokens[j] in _MY_PARTNER_WORDS:
                is_partner = True
            if is_partner:
                someone_elses = j == i and i > 0 and (
                    tokens[i - 1] in _OTHER_DETERMINERS - {"my", "the"} or tokens[i - 1].endswith("'s")
                    or (refs and refs[-1].end == i and refs[-1].who == OTHER)
                )  # "her husband", "my sister's husband": not the speaker's partner
                refs.append(_Ref(i, j + 1, OTHER if someone_elses else THIRD, POSS if possessive else ANY))
                i = j + 1
                continue
        # Someone else: "my best friend", "another woman", "her ex", "someone".
        if tok in _OTHER_DETERMINERS or tok in _BARE_OTHERS or tok[:-2] in _BARE_OTHERS:
            j = i + 1 if tok in _OTHER_DETERMINERS else i
            if j + 1 < n and tokens[j] in _PERSON_MODIFIERS and (
                tokens[j + 1] in _OTHER_WORDS or _is_partner_word(tokens[j + 1])[0]
            ):
                j += 1
            word = tokens[j] if j < n else ""
            base = word[:-2] if word.endswith("'s") else word
            if base in _OTHER_WORDS or (j > i and _is_partner_word(base)[0]):
                refs.append(_Ref(i, j + 1, OTHER, POSS if word.endswith("'s") else ANY))
                i = j + 1
                continue
        if tok in _FIRST_SUBJ:
            refs.append(_Ref(i, i + 1, FIRST, SUBJ))
        elif tok in _FIRST_OBJ:
            refs.append(_Ref(i, i + 1, FIRST, OBJ))
        elif tok in ("my", "mine"):
            refs.append(_Ref(i, i + 1, FIRST, POSS))
        elif tok in _THIRD_SUBJ:
            refs.append(_Ref(i, i + 1, THIRD, SUBJ))
        elif tok in _THIRD_OBJ:
            refs.append(_Ref(i, i + 1, THIRD, OBJ))
        elif tok == "her":
            refs.append(_Ref(i, i + 1, THIRD, OBJPOSS))
        elif tok in _THIRD_POSS:
            refs.append(_Ref(i, i + 1, THIRD, POSS))
        elif tok in _WE:
            refs.append(_Ref(i, i + 1, WE, POSS if tok in ("our", "ours") else ANY))
        i += 1
    # After a preposition a person is an object: "i lied to my wife and cheated" (the doer is "i").
    for k, ref in enumerate(refs):
        if ref.case == ANY and ref.start > 0 and tokens[ref.start - 1] in _PREPOSITIONS:
            refs[k] = _Ref(ref.start, ref.end, ref.who, OBJ)
    return refs


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    pattern: _Pattern


def _hits(tokens: list[str]) -> list[_Hit]:
    text = " ".join(tokens)
    starts, ends, offset = {}, {}, 0
    for index, token in enumerate(tokens):
        starts[offset] = index
        ends[offset + len(token)] = index + 1
        offset += len(token) + 1
    found = []
    for order, pattern in enumerate(_PATTERNS):
        for match in pattern.regex.finditer(text):
            if match.start() in starts and match.end() in ends and match.end() > match.start():
                found.append((starts[match.start()], -ends[match.end()], order, pattern))
    kept: list[_Hit] = []
    covered_until = 0
    for start, neg_end, _, pattern in sorted(found, key=lambda f: (f[0], f[1], f[2])):
        if start < covered_until:
            continue
        kept.append(_Hit(start, -neg_end, pattern))
        covered_until = -neg_end
    return kept


def _is_filler(token: str) -> bool:
    """A word between an owner and the breach noun: "his many affairs", "her secret gambling"."""
    if not token or token in _NOT_FILLERS or token in _DETERMINERS or not token.isalpha():
        return False
    return not token.endswith("s") or token.endswith(("ous", "ss"))


class _Reading:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.refs = _chunk(tokens)
        self.ending_at = {ref.end: ref for ref in self.refs}
        self.starting_at = {ref.start: ref for ref in self.refs}

    # -- who: helpers ---------------------------------------------------------------------------

    def _tok(self, i: int) -> str:
        return self.tokens[i] if 0 <= i < len(self.tokens) else ""

    def _negated(self, gap: list[str]) -> bool:
        for k, token in enumerate(gap):
            if token in _NEGATIONS and not (k + 1 < len(gap) and gap[k + 1] in _NEGATION_EXCEPTIONS):
                return True
        return False

    def _nearest_doer(self, pos: int, gerund: bool = True) -> tuple[_Ref | None, list[str]]:
        ref, gap = self._nearest_person(pos, gerund)
        if ref is None or self._tok(ref.start - 1) != "and" or ref.case not in (SUBJ, ANY):
            return ref, gap
        # "me and my coworker hooked up", "my bf and his ex hooked up", "my wife and i lied".
        first = self.ending_at.get(ref.start - 1)
        if first is None:
            return ref, gap
        who = {first.who, ref.who}
        if FIRST in who and THIRD in who or WE in who:
            return _Ref(first.start, ref.end, WE, ANY), gap
        for side in (FIRST, THIRD):
            if side in who:
                return (first if first.who == side else ref), gap
        return ref, gap

    def _nearest_person(self, pos: int, gerund: bool = True) -> tuple[_Ref | None, list[str]]:
        """The nearest person before ``pos`` who can be the doer of what starts there."""
        k = pos
        while k > 0 and pos - k <= 7:
            ref = self.ending_at.get(k)
            if ref is not None:
                gap = self.tokens[ref.end:pos]
                gap_words = [t for t in gap if t not in _ADVERBS]
                if ref.case in (OBJ, OBJPOSS):
                    if not gap_words or (len(gap_words) == 1 and gap_words[0] in _OBJECT_GAP) or (
                        gap_words[0] == "to" and len(gap_words) <= 3 and ref.who != OTHER
                        and self._tok(ref.start - 1) not in _PREPOSITIONS
                    ):  # "caught me sexting", "forgave him for lying", "get him to stop gambling"
                        return ref, gap
                elif ref.case in (SUBJ, ANY) and not self._in_relative_clause(ref):
                    if gerund and gap and gap[-1] in _BLOCKERS:
                        return None, gap
                    return ref, gap
                k = ref.start
                continue
            if self.tokens[k - 1] in _SENTENCE_END:
                break
            k -= 1
        return None, []

    def _in_relative_clause(self, ref: _Ref) -> bool:
        """The "i" of "my husband, who i trusted, cheated": not the one who cheated."""
        if self._tok(ref.start - 1) not in ("who", "whom", "that"):
            return False
        return self._tok(ref.start - 2) == "," or (ref.start - 1) in self.ending_at

    def _accused(self, ref: _Ref, gap: list[str]) -> bool:
        """"she thinks i'm cheating", "he accused me of lying", "i was accused of cheating"."""
        if any(t.startswith(("accus", "suspect", "blam")) for t in gap):
            return True
        for k in range(ref.start - 1, max(ref.start - 4, 0) - 1, -1):
            if self.tokens[k] in _NONFACTIVE:
                before = self.ending_at.get(k) or self.ending_at.get(k - 1)
                return before is not None and before.who != FIRST
            if self.tokens[k] in _PUNCT:
                break
        return False

    def _possessor(self, start: int) -> _Ref | None:
        """"his lies", "my wife's affair", "my husband affair", "her many affairs"."""
        k = start
        for _ in range(3):
            ref = self.ending_at.get(k)
            if ref is not None:
                if ref.case == POSS:
                    return ref
                if ref.case == OBJPOSS or (ref.case == ANY and ref.who == THIRD and k == start):
                    if self._tok(ref.start - 1) not in _DITRANSITIVE | _PATIENT_PREPS | {"with", "and"}:
                        return ref
                return None
            if not _is_filler(self._tok(k - 1)):
                return None
            k -= 1
        return None

    def _person_after(self, i: int) -> _Ref | None:
        if self._tok(i) in ("the", "a") and i + 1 in self.starting_at:
            i += 1
        return self.starting_at.get(i)

    def _patient(self, hit: _Hit) -> _Ref | None:
        pattern = hit.pattern
        if pattern.inner_patient:
            for ref in self.refs:
                if hit.start < ref.start < hit.end:
                    return ref
        i = hit.end
        while self._tok(i) in _ADVERBS or self._tok(i).endswith("ly"):
            i += 1
        if self._tok(i) in _PATIENT_PREPS:
            after = self._person_after(i + 1)
            if after is not None:
                return after
        if pattern.transitive:
            after = self.starting_at.get(i)
            if after is not None and after.case != SUBJ:
                return after
        if pattern.from_scan:
            for k in range(hit.end, min(hit.end + 7, len(self.tokens))):
                if self.tokens[k] in _PUNCT:
                    break
                if self.tokens[k] == "from" and (after := self._person_after(k + 1)) is not None:
                    return after
        return None

    def _partner_with(self, hit: _Hit) -> _Ref | None:
        """"slept with my husband": the partner was in it too."""
        if self.tokens[hit.end - 1] == "with":
            return self._person_after(hit.end)
        if self._tok(hit.end) == "with":
            return self._person_after(hit.end + 1)
        return None

    def _before_article(self, start: int) -> int:
        """Start of "an emotional", "all the", "so many" before a noun, or ``start``."""
        k = start
        for _ in range(4):
            token = self._tok(k - 1)
            if token in _DETERMINERS:
                k -= 1
            elif token and token not in _NOT_FILLERS and (k - 1) not in self.ending_at and k == start:
                k -= 1  # one adjective right before the noun
            else:
                break
        return k

    def _copula_subject(self, start: int) -> tuple[_Ref | None, list[str]]:
        """The subject of "i'm the cheater", "my husband is an alcoholic", "he's not a liar"."""
        k = start
        if _is_filler(self._tok(k - 1)) and self._tok(k - 2) in ("a", "an", "the", "such"):
            k -= 1  # "a gambling addict", "a compulsive liar"
        while k not in self.ending_at and start - k < 5 and self._tok(k - 1) in _COPULA_GAP | _NEGATIONS:
            k -= 1
        ref = self.ending_at.get(k)
        if ref is not None and ref.case in (SUBJ, ANY):
            return ref, self.tokens[k:start]
        return None, []

    # -- what each breach phrase says ---------------------------------------------------------------

    def _role(self, doer: _Ref | None, gap: list[str], patient: _Ref | None, partner: _Ref | None,
              doer_checked: bool = False) -> str | None:
        invert = _NOT_THE_ONE in gap
        if doer is not None and not invert and self._negated(gap):
            return None
        if doer is not None and doer.who == FIRST and not doer_checked and self._accused(doer, gap):
            return None
        role = None
        if doer is not None and doer.who == FIRST and patient is not None and patient.who == FIRST:
            # "i ... cheated on me" names the speaker twice: the "on me" is the surer reading.
            role = BETRAYED if self.tokens[patient.start] != "myself" else OFFENDER
        elif doer is not None and doer.who == FIRST:
            role = OFFENDER
        elif patient is not None and patient.who == FIRST:
            role = BETRAYED
        elif doer is not None and doer.who == THIRD:
            role = BETRAYED
        elif doer is not None and doer.who == OTHER:
            if partner is not None and partner.who == THIRD:
                role = BETRAYED
            elif partner is not None and partner.who == FIRST:
                role = OFFENDER
        elif doer is None and patient is not None and patient.who == THIRD:
            role = OFFENDER  # "cheated on my wife" with the "I" left out
        if role is not None and invert:
            role = OFFENDER if role == BETRAYED else BETRAYED
        return role

    def _as_patient(self, ref: _Ref | None, gap: list[str]) -> str | None:
        if ref is None or self._negated(gap):
            return None
        role = {FIRST: BETRAYED, THIRD: OFFENDER}.get(ref.who)
        if role is not None and _NOT_THE_ONE in gap:
            role = OFFENDER if role == BETRAYED else BETRAYED
        return role

    def _passive_be(self, hit: _Hit) -> int | None:
        """Index of the be/get/feel word before a participle: "was cheated on", "feel betrayed"."""
        if self.tokens[hit.start] not in _PARTICIPLES:
            return None
        k = hit.start - 1
        while k >= 0 and (self.tokens[k] in _ADVERBS or self.tokens[k] in ("been", "being", "like")):
            if self.tokens[k] in ("been", "being"):
                return k
            k -= 1
        if k >= 2 and self.tokens[k] == "and" and self.tokens[k - 2] in _BE_WORDS:
            k -= 2  # "is devastated and hurt"
        if k >= 0 and (self.tokens[k] in _BE_WORDS or self.tokens[k] in _BE_CONTRACTIONS):
            return k
        return None

    def event(self, hit: _Hit) -> _Event | None:
        pattern = hit.pattern
        strong = pattern.strong

        def made(role: str | None) -> _Event | None:
            return _Event(hit.start, role, strong) if role else None

        if pattern.kind == "victim":  # "my trust was betrayed"
            owner = self.starting_at.get(hit.start)
            return made(self._as_patient(owner, self.tokens[hit.start:hit.end]))
        if pattern.kind in ("agent", "patient"):
            ref, gap = self._copula_subject(hit.start)
            if ref is None and pattern.kind == "agent" and self._tok(hit.start - 1) in ("my", "our", "the"):
                ref, gap = _Ref(hit.start, hit.end, THIRD, ANY), []  # "my cheating husband"
            if ref is None:
                return None
            if pattern.kind == "patient":
                return made(self._as_patient(ref, gap))
            return made(self._role(ref, gap, None, None))

        be = self._passive_be(hit)
        if be is not None:
            if self.tokens[be] in _BE_CONTRACTIONS:
                return made(self._as_patient(self.ending_at.get(be + 1), self.tokens[be + 1:hit.start]))
            ref, gap = self._nearest_doer(be, gerund=False)
            return made(self._as_patient(ref, gap + self.tokens[be:hit.start]))

        patient = self._patient(hit)
        partner = self._partner_with(hit)
        if pattern.kind == "trans":
            doer, gap = self._nearest_doer(hit.start, gerund=False)
            if patient is None or doer is None:
                return None
            if pattern.patient_is_doer:  # "she caught me": I did it
                return None if self._negated(gap) else made(_DOER_ROLE.get(patient.who))
            return made(self._role(doer, gap, patient, partner))

        owner = self._possessor(hit.start)
        if owner is not None:
            if self._negated(self.tokens[max(owner.start - 2, 0):owner.start]):
                return None  # "it's not my fault", "not his lies"
            return made(self._role(owner, [], patient, partner, doer_checked=True))

        article = self._before_article(hit.start)
        has_article = article < hit.start and any(t in _DETERMINERS for t in self.tokens[article:hit.start])
        if pattern.kind == "noun" or has_article:
            if pattern.kind == "verb" and not pattern.nounable:
                return None
            return made(self._noun_role(hit, article, patient, partner))

        doer, gap = self._nearest_doer(hit.start)
        return made(self._role(doer, gap, patient, partner))

    def _noun_role(self, hit: _Hit, article: int, patient: _Ref | None, partner: _Ref | None) -> str | None:
        before = article - 1
        # "forgive him for the affair", "she can't forgive me for the lies".
        obj = self.ending_at.get(before) if self._tok(before) in _OBJECT_GAP else None
        if obj is not None and obj.case != POSS and self._tok(obj.start - 1) not in _DITRANSITIVE:
            return self._role(obj, [], patient, partner, doer_checked=True)
        # The verb that gives it a doer, over particles and an object: "had an affair", "confessed to
        # the affair", "took out a secret loan", "told her about the lies", "found out about the debts".
        verb = before
        for _ in range(4):
            word = self._tok(verb)
            if word in _DISCOVERY:
                finder, gap = self._nearest_doer(verb, gerund=False)
                return self._as_patient(finder, gap)
            if word in _LIGHT:
                doer, gap = self._nearest_doer(verb, gerund=False)
                return self._role(doer, gap, patient, partner) if doer is not None else None
            ref = self.ending_at.get(verb + 1)
            if ref is not None and ref.case != POSS and self._tok(ref.start - 1) in _DITRANSITIVE:
                verb = ref.start - 1  # "told her about the affair"
            elif word in _PARTICLES or word in ("everything", "all", "something", "more", "some"):
                verb -= 1
            else:
                break
        # "the affair he had", "the lies i told her", "the debts she hid from me".
        i = hit.end + (1 if self._tok(hit.end) in ("that", "which", "who") else 0)
        ref = self.starting_at.get(i)
        if ref is not None and ref.case in (SUBJ, ANY) and ref.who in (FIRST, THIRD):
            after = self._tok(ref.end)
            if after in _LIGHT or after in ("was", "is", "been", "did", "does", "had", "has"):
                return self._role(ref, [], None, None)
        # "tinder on his phone", "the debts on my card".
        for j in range(hit.end, min(hit.end + 4, len(self.tokens))):
            if self.tokens[j] in ("on", "in"):
                owner = self.starting_at.get(j + 1)
                if owner is not None and owner.case in (POSS, OBJPOSS) and self._tok(owner.end) in _DEVICES:
                    return _DOER_ROLE.get(owner.who)
                break
        return None

    # -- weak cues -------------------------------------------------------------------------------

    def weak_events(self) -> list[_Event]:
        events: list[_Event] = []
        toks, n = self.tokens, len(self.tokens)

        def boundary(i: int) -> bool:
            return i >= n or toks[i] in _PUNCT or toks[i] in ("not", "and", "but", "so", "because")

        for ref in self.refs:
            if ref.who not in (FIRST, THIRD):
                continue
            did = OFFENDER if ref.who == FIRST else BETRAYED
            not_did = BETRAYED if did == OFFENDER else OFFENDER
            before = self._tok(ref.start - 1)
            after = toks[ref.end:ref.end + 4]
            subject = ref.case in (SUBJ, ANY)
            # "he did it", "i did", "she did this too".
            if subject and after[:1] in (["did"], ["does"]) and before not in _QUESTION_WORDS:
                j = ref.end + 1
                j += self._tok(j) in ("it", "this", "that")
                j += self._tok(j) in ("too", "also", "first")
                if boundary(j):
                    events.append(_Event(ref.start, did, False))
            # "what he did", "what i had done", "what ive been doing", "what she's been up to".
            if subject and before == "what" and after and (
                after[0] in ("did", "does", "do") or {"done", "doing"} & set(after[:3])
                or after[:3] == ["has", "been", "up"] or after[:2] == ["been", "up"]
            ):
                events.append(_Event(ref.start, did, False))
            # "it was me", "its him", "it wasn't me".
            k, negated = ref.start - 1, False
            while k >= 0 and toks[k] in ("was", "is", "not", "wasn't", "wasnt", "isn't", "isnt"):
                negated |= toks[k] in ("not", "wasn't", "wasnt", "isn't", "isnt")
                k -= 1
            if k >= 0 and boundary(ref.end) and (
                toks[k] in ("it's", "its", "thats", "that's")
                or toks[k] in ("it", "that") and k < ref.start - 1
            ):
                events.append(_Event(ref.start, not_did if negated else did, False))
            # "..., not me", "not him".
            if before == "not" and (ref.start < 2 or toks[ref.start - 2] in _PUNCT | {"and", "but"}):
                if boundary(ref.end):
                    events.append(_Event(ref.start, not_did, False))
            # "she doesn't trust me anymore", "how do i get him to trust me again".
            if not subject or ref.case == ANY:
                if before in ("trust", "trusts", "trusting") and (
                    self._negated(toks[max(ref.start - 5, 0):ref.start - 1])
                    or {"again", "anymore"} & set(after[:2])
                ):
                    events.append(_Event(ref.start, did, False))
            # "earn her trust back", "win back his trust", "how can he regain my trust".
            if ref.case in (POSS, OBJPOSS, ANY) and after[:1] == ["trust"]:
                verb = before if before != "back" else self._tok(ref.start - 2)
                if verb.startswith(("earn", "regain", "win", "won", "rebuild", "gain", "restor", "repair")):
                    events.append(_Event(ref.start, not_did, False))
            # "my wife found out", "i just found out", "he discovered", "she knows everything".
            if subject and after:
                j = ref.end + (after[0] in ("just", "finally", "recently", "only", "then", "already", "now"))
                if self._tok(j) in ("found", "discovered", "finds", "discovers", "learned", "learnt") or (
                    self._tok(j) in ("knows", "know", "knew") and self._tok(j + 1) in ("everything", "about")
                ):
                    events.append(_Event(ref.start, not_did, False))
            # "i read his texts", "she went through my phone": whose messages were read did it.
            if ref.case in (POSS, OBJPOSS) and self._tok(ref.end) in _MESSAGES and (
                before in _DISCOVERY or before in ("through", "checked", "check", "checking")
            ):
                events.append(_Event(ref.start, did, False))
        return events



def _correction_point(tokens: list[str]) -> int:
    """Index after the last "actually", "no,", "wait", "i mean", or 0."""
    point = 0
    for i, token in enumerate(tokens):
        at_start = i == 0 or tokens[i - 1] in _PUNCT
        if token in _CORRECTION_ANYWHERE:
            point = i + 1
        elif at_start and token in _CORRECTION_AT_START and (
            i + 1 >= len(tokens) or tokens[i + 1] in _PUNCT or token != "no"
            or tokens[i + 1] in _FIRST_SUBJ | _THIRD_SUBJ | {"it", "its", "it's", "my"}
        ):
            point = i + 1
        elif at_start and token == "i" and i + 1 < len(tokens) and tokens[i + 1] in ("mean", "meant"):
            point = i + 2
    return point


def speaker_role(text: str, strong_only: bool = False) -> str | None:
    """'offender' if the writer did it, 'betrayed' if it was done to them, None if unclear.

    ``strong_only``: only a breach phrase decides, never a weak cue ("it was me", "I did"):
    for questions, where "was it something I did?" says nothing about who broke the trust.
    """
    tokens = _normalise(_tokens(text))
    if not tokens:
        return None
    reading = _Reading(tokens)
    events = [e for hit in _hits(tokens) if (e := reading.event(hit)) is not None]
    events += reading.weak_events()
    point = _correction_point(tokens)
    if point and any(e.pos >= point for e in events):
        events = [e for e in events if e.pos >= point]
    for strong in (True,) if strong_only else (True, False):
        for event in sorted(events, key=lambda e: e.pos):
            if event.strong == strong and event.role is not None:
                return event.role
    return None
