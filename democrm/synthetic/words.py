"""The words the synthetic CRM is written in: names, products, subjects, notes, cases, questions.

Notes and subjects are grouped by *topic* (praise, pricing pushback, escalation, ...): which topics an
account's activities are drawn from follows its archetype and the phase of its life, so the tone of
its communication is something a later feature can measure, not decoration. Some notes carry the
characters real pasted e-mails do (quotes, ``&``, ``<br>``, accents): the site must escape them.
Notes are single-line on purpose: a quoted line break is legal CSV, but at benchmark scale it sends
the transform's reader down its exact (slow) path; the transform's own tests cover multi-line fields.
"""

from __future__ import annotations

FIRST = (
    "Nic Ana Ben Carla Dev Elena Farid Grace Hiro Ines Jon Kai Lena Marco Nadia Omar Priya Quinn "
    "Rosa Sam Tara Umar Vera Wes Xin Yara Zoe Aiko Bruno Chloe Diego Emma Felix Gia Hugo Ivy Jade "
    "Kenji Lucas Maya Noor Olga Pablo Rhea Sven Tomas Uma Vik Wanda Yusuf Zara Amir Bea Cyrus Dana "
    "Eli Fatima Gus Hana Ilya Joy"
).split()
LAST = (
    "W Walker Chen Garcia Okafor Rossi Novak Tanaka Silva Kumar Müller Dubois Smith Jensen Haddad "
    "Kowalski Nguyen Park Ortiz Ivanova Larsen Moreau Costa Khan Weber Sato Lopez Brown Ali Fischer "
    "Eriksen Adeyemi Russo Yamada Kim Patel Schmidt Martin Santos Berg Popescu Horvat Murphy O'Brien "
    "Nakamura Reyes Bauer Lindqvist Mendes Acheampong Zhang Wilson Petrov Lambert Ferreira Singh"
).split()
ADJ = (
    "Acme Blue Northwind Summit Bright Silver Granite Crimson Harbor Pioneer Vertex Cedar Atlas "
    "Nimbus Quantum Sterling Evergreen Falcon Orion Polar Redwood Sapphire Titan Urban Vista Zenith "
    "Alpine Beacon Cobalt Delta Ember Frontier Golden Horizon Iron Juniper Keystone Lunar Meridian "
    "Nova Oak Pacific Quartz River Solar Tidal Unity Velvet Willow Apex Coastal Everest Glacier "
    "Highland Liberty Maple Nordic Prairie Royal Sierra Trinity Vanguard Crescent Lakeside Monarch "
    "Oasis Pinnacle Sentinel Starlight Thunder Aurora Canyon Eagle Fjord Harmony Ironwood Jade"
).split()
NOUN = (
    "Org Systems Dynamics Labs Networks Logistics Health Foods Energy Capital Media Robotics Motors "
    "Analytics Pharma Retail Airlines Foundry Textiles Minerals Telecom Insurance Bank Partners "
    "Holdings Studios Solutions Industries Biotech Software Clinics Farms Marine Rail Steel Chemicals "
    "Ventures Works Brewing Electric Cloud Data Devices Freight Hotels Learning Materials Outfitters "
    "Power Research Security Semiconductors Shipping Space Sports Supply Therapeutics Tools Travel "
    "Utilities Water Wireless Aerospace Apparel Automation Bakeries Cinemas"
).split()
PLACE = (
    "Group International Global America Europe Asia Pacific Nordic Iberia Alpine Atlantic Andes "
    "Baltic Celtic Gulf Levant Sahara Tasman Yukon Danube Rhine Ganges Mekong Nile Amazon Volga Indus"
).split()
LEGAL = ("", "", "", " Inc", " Inc.", " LLC", " Ltd", " Corp", " GmbH", " Co.", " Pty Ltd", " S.A.")

TERRITORIES = {
    "AMS": ("Bay Area", "Pacific NW", "Central", "East", "LATAM", "Canada"),
    "EMEA": ("UK&I", "DACH", "France", "Nordics", "MEA", "Southern Europe"),
    "JAPAC": ("Japan", "ANZ", "ASEAN", "India", "Greater China", "Korea"),
}
TIERS = ("Strategic", "Enterprise", "Commercial")
INDUSTRIES = (
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Technology",
    "Public Sector",
    "Energy",
    "Media",
)
PRODUCTS = ("VM", "SaaS", "HW", "Support", "Storage", "Network", "Security")
OPPORTUNITIES = ("Refresh Architecture", "Renewal", "New Logo", "Expansion", "Upsell", "Migration")

# -- activities -----------------------------------------------------------------------------------

HC_SUBJECTS = (
    "Health Check",
    "Health Check",
    "Annual health check",
    "Health-Check review",
    "HEALTH_CHECK Q{q}",
    "Health check - deployment review",
)
HC_NOTES = (
    "Health check held: reviewed adoption, open cases and the roadmap; deck attached.",
    "Health check with the exec sponsor; deck shared, follow-ups agreed.",
    "Deployment review done as part of the health check; two config improvements recommended.",
    "",
)

TYPES = ("Email", "Call", "Meeting")
DIRECTIONS = ("Outbound", "Inbound")


class Topic:
    """What an activity is about: subjects, the seller's note, and how the customer answers."""

    def __init__(
        self, name: str, subjects: tuple[str, ...], notes: tuple[str, ...], replies: tuple[str, ...]
    ) -> None:
        self.name, self.subjects, self.notes, self.replies = name, subjects, notes, replies


TOPICS = (
    Topic(
        "routine",
        (
            "Follow-up call",
            "Demo",
            "Support",
            "QBR",
            "Architecture review",
            "Weekly sync",
            "Check-in",
            # Looks like a health check and is not: the policy's pattern must not match it.
            "Health review",
        ),
        (
            "Quick check-in; nothing new to report.",
            "Sent the meeting notes and the recording.",
            "Call logged.",
            "Shared the architecture diagram they asked for.",
            "",
            "",
        ),
        ("Thanks, received.", "Got it, thanks.", "Noted.", ""),
    ),
    Topic(
        "praise",
        ("Thank you", "Feedback on the new dashboards", "Success story", "Customer reference"),
        (
            'Customer praised the new dashboards: "saved us hours every week".',
            "Great feedback from the ops team; they offered to be a reference customer.",
            "Champion very happy with support response times.",
            "Adoption is excellent across all teams; the exec sponsor is delighted.",
            "Müller's team presented their results internally — a big win for us.",
        ),
        (
            "Thanks so much, the team loves it!",
            "Happy to be a reference.",
            "Great work, really appreciated.",
        ),
    ),
    Topic(
        "renewal",
        ("Renewal", "Renewal planning", "Multi-year renewal options"),
        (
            "Discussed the renewal timeline; PO expected next month.",
            "Customer asked for a three-year renewal quote.",
            "Renewal paperwork sent to procurement.",
        ),
        (
            "Procurement is reviewing, will confirm shortly.",
            "Looks good, please send the order form.",
        ),
    ),
    Topic(
        "expansion",
        ("Expansion opportunity", "Upsell discussion", "Additional licences"),
        (
            "They want to roll out to two more business units; sizing 200 more seats.",
            "Expansion approved by the exec sponsor; quote requested.",
            "Interest in the Security add-on after the QBR.",
        ),
        ("Yes, please send the quote for the extra seats.", "Budget approved for the next phase."),
    ),
    Topic(
        "next_steps",
        ("Next steps", "Action items", "POC kickoff"),
        (
            "Next steps: send proposal, schedule architecture workshop, confirm owners.",
            "Agreed action items and dates; follow-up in two weeks.",
            "Action: share the roadmap deck; customer to confirm the pilot scope.",
        ),
        ("Agreed, see you on Thursday.", "Confirmed the dates on our side."),
    ),
    Topic(
        "discovery",
        ("Discovery call", "Roadmap session", "Executive briefing"),
        (
            "Discovery: mapped their data platform roadmap and key stakeholders.",
            "Learned about their migration plans for next year; new project with the data team.",
            "Mapped the buying centre: CIO, platform lead & security.",
        ),
        ("Thanks for the session, useful discussion.",),
    ),
    Topic(
        "pricing",
        ("Pricing discussion", "Renewal pricing", "Budget review"),
        (
            "Pushback on renewal pricing: the 12% uplift is not acceptable, asked for a discount.",
            "Customer says the price is too high compared to alternatives; procurement involved.",
            "Budget cut by 30% next year; they asked to reduce seats.",
        ),
        (
            "We cannot accept this increase.",
            "Our budget has been cut; we need a lower price to continue.",
            "Please hold the renewal until we finish our review.",
        ),
    ),
    Topic(
        "escalation",
        ("Escalation", "Support escalation - P1 outage", "Escalated case follow-up"),
        (
            "Customer escalated a P1 outage affecting production; requested an RCA by Friday.",
            "Escalation: case open for three weeks without progress; their CTO is involved.",
            "Angry call from the platform lead about repeated failures & missed SLAs.",
            'Pasted from e-mail: "we are not happy with the service"<br>Please call me today.',
        ),
        (
            "This is unacceptable, we need an update today.",
            "Still waiting on the root cause analysis.",
            "Escalating to our CIO.",
        ),
    ),
    Topic(
        "outage",
        ("Service outage", "Incident review", "Outage follow-up"),
        (
            "Service outage in their region: users unable to log in for 3 hours.",
            "Incident review held; they asked for credits for the downtime.",
            "Second outage this quarter; trust is eroding.",
        ),
        ("Our users were down all morning.", "We need a credit for the downtime."),
    ),
    Topic(
        "risk",
        ("Competitor evaluation", "Contract review", "Vendor consolidation"),
        (
            "Customer is evaluating a competitor; an RFP is planned for next quarter.",
            "New CIO reviewing all vendors; the renewal is at risk.",
            "Our champion left the company; no replacement sponsor yet.",
            "They are consolidating tools and may not renew.",
        ),
        ("We are reviewing our options.", "I will get back to you after the review.", ""),
    ),
    Topic(
        "onboarding",
        ("Onboarding workshop", "Kickoff", "Implementation status", "Training session"),
        (
            "Onboarding kickoff: agreed the success plan and the go-live date.",
            "Training delivered to 25 admins.",
            "Implementation on track; SSO configured.",
        ),
        ("Thanks, the team found the training very useful.", "Go-live confirmed on our side."),
    ),
)
TOPIC = {t.name: i for i, t in enumerate(TOPICS)}

NON_RENEWAL_SUBJECTS = ("Non-renewal notice", "Notice of non-renewal", "Contract not renewed")
NON_RENEWAL_NOTES = (
    "Customer confirmed they will not renew: moving to a competitor.",
    "Customer will not renew: budget cuts, the project is cancelled.",
    "Customer will not renew: consolidating tools after the reorganisation.",
)
STALLED_NOTE = "Customer will not renew: the platform never got traction with their teams."
UPGRADE_SUBJECT = "v5 upgrade planning"
UPGRADE_NOTE = "Planned the upgrade to v5 with their admins; cut-over date agreed."
EXPANSION_SUBJECT = "Expansion order signed"
EXPANSION_NOTE = "Expansion signed: new product line added to the account."

# -- tickets --------------------------------------------------------------------------------------

PRIORITIES = ("Low", "Medium", "High", "Critical")
CASE_SUBJECTS = (
    "How do I add users?",
    "Password reset e-mail not received",
    "Question about API limits",
    "Report export takes too long",
    "Feature request: dark mode",
    "SSO login loop",
    "Dashboard slow to load",
    "Billing contact change",
    "Data sync delayed",
    "Integration with Slack not posting",
    "Cannot upload a CSV larger than 50 MB",
    "Permissions error on shared folders",
)
SEVERE_SUBJECTS = (
    "Production outage - all users affected",
    "P1: service unavailable",
    "Data missing after sync",
    "API returning 500 errors",
    "Security alert: suspicious sign-ins",
)
# The product event that often precedes escalations: the upgrade to v5.
V5_SUBJECT = "Upgrade to v5: planning assistance"
V5_AFTERMATH = (
    "After upgrade to v5: sync jobs failing",
    "After upgrade to v5: reports missing",
    "v5 upgrade broke SSO",
    "Performance degraded since the v5 upgrade",
)

# -- surveys --------------------------------------------------------------------------------------

ROLES = ("Decision Maker", "Influencer", "Day to Day")
RELATIONSHIP = "Relationship Survey"
SUPPORT = "Support Experience Survey"
SUCCESS_QUESTION = "How likely are you to recommend us to a colleague?"
ACCOUNT_TEAM_QUESTION = "How satisfied are you with your Account Team?"
SUPPORT_QUESTION = "How satisfied are you with Technical Support?"
