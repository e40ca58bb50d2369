"""Make the demo data set: fictional unified jobs, candidate profiles and job events.

Run from the repository root::

    .venv/bin/python profiles/data/make_demo_data.py

It writes, next to this script:

- ``demo-jobs.jsonl``: 2,000 `UnifiedJob` records (one JSON object a line);
- ``demo-profiles.jsonl``: 1,000 `UnifiedProfile` records;
- ``demo-job-events.jsonl``: 40 `UnifiedJobEvent` records (webhook-style, October 2025).

Every record is validated with its model and dumped compactly (``exclude_none`` and
``exclude_defaults``). The data is deterministic (a fixed ``random.Random(2026)`` seed and fixed
base dates), so re-running the script reproduces the same bytes. The lines are deliberately not
sorted by ``updated_at`` (the source is unsorted), several records share exactly the same
``updated_at`` (ties a cursor must page through), and a few lines write their timestamps with a
non-UTC offset (``+02:00``, ``-05:00``, ...) to show that they are normalised to UTC on read.

The generated files are committed, so the demo needs no generation step; this script documents
how they were made. Everything is invented: no real people, and every domain is ``.example``.
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hrtech_etl.core.models import (  # noqa: E402
    UnifiedJob,
    UnifiedJobEvent,
    UnifiedProfile,
)

OUT_DIR = Path(__file__).resolve().parent
JOBS_FILE = OUT_DIR / "demo-jobs.jsonl"
PROFILES_FILE = OUT_DIR / "demo-profiles.jsonl"
EVENTS_FILE = OUT_DIR / "demo-job-events.jsonl"

SEED = 2026
N_JOBS = 2000
N_PROFILES = 1000
N_EVENTS = 40
JOB_TIE_GROUPS = 40
PROFILE_TIE_GROUPS = 30
JOB_OFFSET_LINES = 12
PROFILE_OFFSET_LINES = 8

CREATED_FROM = datetime(2024, 1, 1, tzinfo=UTC)
CREATED_TO = datetime(2025, 6, 30, 23, 59, 59, tzinfo=UTC)
UPDATED_MAX = datetime(2025, 9, 30, 0, 0, 0, tzinfo=UTC)
EVENTS_FROM = datetime(2025, 10, 1, tzinfo=UTC)
EVENTS_TO = datetime(2025, 10, 31, 23, 59, 59, tzinfo=UTC)
TODAY = date(2025, 9, 30)  # "now" for careers: current jobs, years of experience

# --- reference data ------------------------------------------------------------------------------

# (city, region, country, lat, lon, salary factor within the country)
CITIES: list[tuple[str, str, str, float, float, float]] = [
    ("Paris", "Île-de-France", "FR", 48.8566, 2.3522, 1.1),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR", 45.764, 4.8357, 0.95),
    ("Berlin", "Berlin", "DE", 52.52, 13.405, 1.0),
    ("Munich", "Bavaria", "DE", 48.1351, 11.582, 1.1),
    ("Hamburg", "Hamburg", "DE", 53.5511, 9.9937, 1.0),
    ("Amsterdam", "North Holland", "NL", 52.3676, 4.9041, 1.05),
    ("Rotterdam", "South Holland", "NL", 51.9244, 4.4777, 0.95),
    ("Brussels", "Brussels-Capital", "BE", 50.8503, 4.3517, 1.0),
    ("Madrid", "Community of Madrid", "ES", 40.4168, -3.7038, 1.05),
    ("Barcelona", "Catalonia", "ES", 41.3874, 2.1686, 1.0),
    ("Lisbon", "Lisbon", "PT", 38.7223, -9.1393, 1.0),
    ("Milan", "Lombardy", "IT", 45.4642, 9.19, 1.05),
    ("Dublin", "Leinster", "IE", 53.3498, -6.2603, 1.0),
    ("London", "England", "GB", 51.5072, -0.1276, 1.15),
    ("Manchester", "England", "GB", 53.4808, -2.2426, 0.95),
    ("Edinburgh", "Scotland", "GB", 55.9533, -3.1883, 0.95),
    ("Zurich", "Zurich", "CH", 47.3769, 8.5417, 1.05),
    ("Vienna", "Vienna", "AT", 48.2082, 16.3738, 1.0),
    ("Stockholm", "Stockholm County", "SE", 59.3293, 18.0686, 1.0),
    ("Copenhagen", "Capital Region", "DK", 55.6761, 12.5683, 1.0),
    ("Warsaw", "Masovia", "PL", 52.2297, 21.0122, 1.05),
    ("New York", "New York", "US", 40.7128, -74.006, 1.15),
    ("San Francisco", "California", "US", 37.7749, -122.4194, 1.2),
    ("Austin", "Texas", "US", 30.2672, -97.7431, 0.95),
    ("Chicago", "Illinois", "US", 41.8781, -87.6298, 1.0),
    ("Seattle", "Washington", "US", 47.6062, -122.3321, 1.1),
    ("Toronto", "Ontario", "CA", 43.6532, -79.3832, 1.05),
    ("Montreal", "Quebec", "CA", 45.5019, -73.5674, 0.95),
    ("Vancouver", "British Columbia", "CA", 49.2827, -123.1207, 1.0),
]

COUNTRY_NAMES = {
    "FR": "France",
    "DE": "Germany",
    "NL": "Netherlands",
    "BE": "Belgium",
    "ES": "Spain",
    "PT": "Portugal",
    "IT": "Italy",
    "IE": "Ireland",
    "GB": "United Kingdom",
    "CH": "Switzerland",
    "AT": "Austria",
    "SE": "Sweden",
    "DK": "Denmark",
    "PL": "Poland",
    "US": "United States",
    "CA": "Canada",
}

# country → (currency, local amount per EUR of a French-equivalent annual salary)
PAY: dict[str, tuple[str, float]] = {
    "FR": ("EUR", 1.0),
    "DE": ("EUR", 1.15),
    "NL": ("EUR", 1.12),
    "BE": ("EUR", 1.05),
    "ES": ("EUR", 0.78),
    "PT": ("EUR", 0.6),
    "IT": ("EUR", 0.8),
    "IE": ("EUR", 1.15),
    "GB": ("GBP", 0.85),
    "CH": ("CHF", 1.9),
    "AT": ("EUR", 1.05),
    "SE": ("SEK", 11.5),
    "DK": ("DKK", 8.2),
    "PL": ("PLN", 2.4),
    "US": ("USD", 1.6),
    "CA": ("CAD", 1.4),
}
HOURLY_COUNTRIES = {"US", "CA", "GB", "IE"}
MONTHLY_COUNTRIES = {"PL", "PT", "ES", "IT", "FR", "BE", "DE", "AT", "NL", "SE", "DK", "CH"}
DAY_RATE_COUNTRIES = {"GB", "FR", "DE", "NL", "BE", "IE", "CH"}

LOCAL_LANGUAGE = {
    "FR": "French",
    "DE": "German",
    "NL": "Dutch",
    "BE": "French",
    "ES": "Spanish",
    "PT": "Portuguese",
    "IT": "Italian",
    "IE": "English",
    "GB": "English",
    "CH": "German",
    "AT": "German",
    "SE": "Swedish",
    "DK": "Danish",
    "PL": "Polish",
    "US": "English",
    "CA": "English",
}
CITY_LANGUAGE = {"Montreal": "French"}
UTC_OFFSET_HOURS = {"US": -5, "CA": -5, "GB": 0, "IE": 0, "PT": 0}  # others: +1 (CET)

# family → data. Roles: (name, pay factor, paid by the hour at entry level); heads: titles for
# the "head" seniority.
FAMILIES: dict[str, dict[str, Any]] = {
    "engineering": {
        "departments": ["Engineering", "Technology"],
        "teams": ["Platform", "Payments", "Mobile", "Infrastructure", "Core API", "Growth"],
        "roles": [
            ("Software Engineer", 1.0, False),
            ("Backend Engineer", 1.0, False),
            ("Frontend Engineer", 0.97, False),
            ("DevOps Engineer", 1.05, False),
            ("Mobile Developer", 1.0, False),
            ("QA Engineer", 0.88, False),
            ("Site Reliability Engineer", 1.08, False),
        ],
        "heads": [
            "Head of Engineering",
            "Head of Platform Engineering",
            "Head of Mobile Engineering",
        ],
        "base": 58000,
        "office": True,
        "skills": [
            "Python",
            "Go",
            "Java",
            "TypeScript",
            "React",
            "Kubernetes",
            "Docker",
            "AWS",
            "PostgreSQL",
            "Terraform",
            "CI/CD",
            "Kotlin",
            "Swift",
            "GraphQL",
            "Linux",
        ],
        "duties": [
            "design, build and run services used by millions of customers",
            "own features end to end, from design review to production monitoring",
            "improve the reliability and performance of our platform",
            "ship well-tested code in small, frequent releases",
        ],
        "fields": ["Computer Science", "Software Engineering", "Mathematics"],
    },
    "data": {
        "departments": ["Data", "Analytics"],
        "teams": ["Data Platform", "Insights", "Machine Learning", "Reporting"],
        "roles": [
            ("Data Analyst", 0.88, False),
            ("Data Engineer", 1.02, False),
            ("Data Scientist", 1.05, False),
            ("Machine Learning Engineer", 1.12, False),
            ("Analytics Engineer", 1.0, False),
            ("BI Developer", 0.92, False),
        ],
        "heads": ["Head of Data", "Head of Analytics", "Head of Machine Learning"],
        "base": 57000,
        "office": True,
        "skills": [
            "SQL",
            "Python",
            "dbt",
            "Spark",
            "Airflow",
            "Tableau",
            "Power BI",
            "pandas",
            "scikit-learn",
            "PyTorch",
            "Snowflake",
            "BigQuery",
            "Statistics",
            "Looker",
        ],
        "duties": [
            "turn raw data into trusted datasets and clear dashboards",
            "build the pipelines and models behind our pricing decisions",
            "help product teams measure what matters",
            "put machine learning models into production and keep them healthy",
        ],
        "fields": ["Statistics", "Computer Science", "Economics", "Mathematics"],
    },
    "product": {
        "departments": ["Product", "Design"],
        "teams": ["Checkout", "Onboarding", "Mobile", "Marketplace", "Internal Tools"],
        "roles": [
            ("Product Manager", 1.05, False),
            ("Product Designer", 0.95, False),
            ("UX Researcher", 0.92, False),
            ("Product Owner", 0.98, False),
            ("UX Writer", 0.85, False),
        ],
        "heads": ["Head of Product", "Head of Design", "Head of Product Design"],
        "base": 60000,
        "office": True,
        "skills": [
            "Product discovery",
            "Roadmapping",
            "Figma",
            "User research",
            "A/B testing",
            "Agile",
            "Jira",
            "Prototyping",
            "Product analytics",
            "Stakeholder management",
        ],
        "duties": [
            "shape the roadmap with engineering and design",
            "talk to customers every week and turn insight into decisions",
            "design simple flows for complex problems",
            "define success metrics and follow them after launch",
        ],
        "fields": ["Design", "Business Administration", "Human-Computer Interaction"],
    },
    "sales": {
        "departments": ["Sales", "Customer Success"],
        "teams": ["Mid-Market", "Enterprise", "SMB", "Partnerships", "EMEA", "North America"],
        "roles": [
            ("Account Executive", 1.0, False),
            ("Sales Development Representative", 0.75, False),
            ("Account Manager", 0.92, False),
            ("Customer Success Manager", 0.9, False),
            ("Sales Engineer", 1.1, False),
            ("Partnerships Manager", 1.0, False),
        ],
        "heads": ["Head of Sales", "Head of Customer Success", "Head of Partnerships"],
        "base": 48000,
        "office": True,
        "skills": [
            "Salesforce",
            "HubSpot",
            "Negotiation",
            "Prospecting",
            "Account management",
            "CRM",
            "Pipeline management",
            "Presentation skills",
            "Cold calling",
            "SaaS sales",
        ],
        "duties": [
            "grow a portfolio of business customers",
            "run the full sales cycle from first call to signature",
            "help customers get value from our product and renew",
            "open new markets with a small, ambitious team",
        ],
        "fields": ["Business Administration", "Marketing", "Communication"],
    },
    "healthcare": {
        "departments": ["Patient Care", "Clinical Services"],
        "teams": ["Emergency", "Surgery", "Outpatients", "Rehabilitation", "Pharmacy"],
        "roles": [
            ("Registered Nurse", 1.0, False),
            ("Physiotherapist", 1.02, False),
            ("Pharmacist", 1.3, False),
            ("Care Assistant", 0.7, True),
            ("Radiographer", 1.05, False),
            ("Medical Secretary", 0.78, True),
            ("Occupational Therapist", 1.0, False),
        ],
        "heads": ["Head of Nursing", "Head of Physiotherapy", "Head of Pharmacy"],
        "base": 38000,
        "office": False,
        "skills": [
            "Patient care",
            "Medication administration",
            "Electronic health records",
            "Infection control",
            "Triage",
            "Wound care",
            "First aid",
            "Patient safety",
            "Clinical documentation",
            "Rehabilitation",
        ],
        "duties": [
            "deliver safe, compassionate care to our patients",
            "work in a multidisciplinary team on day and night rotations",
            "support patients and families through treatment and recovery",
            "keep accurate clinical records and follow care protocols",
        ],
        "fields": ["Nursing", "Pharmacy", "Physiotherapy", "Health Sciences"],
    },
    "retail": {
        "departments": ["Retail Operations", "Stores"],
        "teams": ["Flagship Store", "Fashion", "Home", "Grocery", "Electronics"],
        "roles": [
            ("Store Associate", 0.9, True),
            ("Sales Advisor", 0.95, True),
            ("Store Manager", 1.6, False),
            ("Visual Merchandiser", 1.05, False),
            ("Cashier", 0.85, True),
            ("Department Manager", 1.3, False),
            ("Stock Controller", 0.95, True),
        ],
        "heads": [
            "Head of Retail Operations",
            "Head of Store Operations",
            "Head of Visual Merchandising",
        ],
        "base": 26000,
        "office": False,
        "skills": [
            "Customer service",
            "Point of sale",
            "Merchandising",
            "Inventory management",
            "Cash handling",
            "Team leadership",
            "Visual merchandising",
            "Upselling",
            "Loss prevention",
        ],
        "duties": [
            "welcome customers and help them find what they need",
            "keep the shop floor tidy, stocked and attractive",
            "run the store day to day and coach the team",
            "hit weekly sales targets while giving great service",
        ],
        "fields": ["Business Administration", "Retail Management", "Marketing"],
    },
    "logistics": {
        "departments": ["Logistics", "Supply Chain"],
        "teams": ["Warehouse", "Transport", "Inbound", "Last Mile", "Planning"],
        "roles": [
            ("Warehouse Operative", 0.9, True),
            ("Forklift Driver", 0.95, True),
            ("Logistics Coordinator", 1.05, False),
            ("Supply Chain Analyst", 1.3, False),
            ("Delivery Driver", 0.92, True),
            ("Warehouse Supervisor", 1.2, False),
            ("Transport Planner", 1.1, False),
        ],
        "heads": ["Head of Supply Chain", "Head of Warehouse Operations", "Head of Transport"],
        "base": 30000,
        "office": False,
        "skills": [
            "Forklift licence",
            "Warehouse management systems",
            "SAP",
            "Route planning",
            "Inventory control",
            "Health and safety",
            "Excel",
            "Lean",
            "Picking and packing",
            "Fleet management",
        ],
        "duties": [
            "receive, store and dispatch goods accurately and safely",
            "plan delivery routes and keep our fleet on time",
            "coordinate carriers, suppliers and the warehouse team",
            "find waste in our supply chain and remove it",
        ],
        "fields": ["Supply Chain Management", "Logistics", "Industrial Engineering"],
    },
    "finance": {
        "departments": ["Finance", "Accounting"],
        "teams": ["Controlling", "FP&A", "Accounts Payable", "Treasury", "Payroll"],
        "roles": [
            ("Accountant", 0.9, False),
            ("Financial Analyst", 1.0, False),
            ("Payroll Specialist", 0.88, False),
            ("Financial Controller", 1.2, False),
            ("Accounts Payable Clerk", 0.72, False),
            ("FP&A Analyst", 1.05, False),
            ("Internal Auditor", 1.05, False),
        ],
        "heads": ["Head of Finance", "Head of Accounting", "Head of FP&A"],
        "base": 50000,
        "office": True,
        "skills": [
            "Excel",
            "IFRS",
            "SAP",
            "Budgeting",
            "Forecasting",
            "Financial modelling",
            "Reconciliation",
            "Payroll",
            "Audit",
            "Power BI",
            "VAT",
        ],
        "duties": [
            "close the books every month, accurately and on time",
            "build forecasts and budgets with business leaders",
            "keep our controls and reporting audit-ready",
            "explain the numbers behind our growth to the leadership team",
        ],
        "fields": ["Accounting", "Finance", "Economics"],
    },
    "hr": {
        "departments": ["People", "Human Resources"],
        "teams": ["Talent Acquisition", "People Operations", "Learning", "Total Rewards"],
        "roles": [
            ("HR Business Partner", 1.1, False),
            ("Recruiter", 0.92, False),
            ("Talent Acquisition Specialist", 0.95, False),
            ("HR Generalist", 0.9, False),
            ("People Operations Specialist", 0.92, False),
            ("Learning and Development Specialist", 0.95, False),
            ("Compensation Analyst", 1.05, False),
        ],
        "heads": ["Head of People", "Head of Talent Acquisition", "Head of HR"],
        "base": 47000,
        "office": True,
        "skills": [
            "Recruiting",
            "Employment law",
            "HRIS",
            "Onboarding",
            "Workday",
            "Interviewing",
            "Employee relations",
            "Compensation",
            "Talent management",
            "Sourcing",
        ],
        "duties": [
            "hire great people and give every candidate a fair process",
            "advise managers on performance, pay and team design",
            "run onboarding, reviews and the rest of the employee lifecycle",
            "build learning programmes that help people grow",
        ],
        "fields": ["Human Resources", "Psychology", "Business Administration", "Law"],
    },
}
FAMILY_NAMES = list(FAMILIES)
FAMILY_WEIGHTS = [20, 10, 7, 11, 12, 12, 11, 9, 8]

# (label, pay factor, weight)
SENIORITIES = [
    ("intern", 0.45, 4),
    ("junior", 0.78, 20),
    ("mid", 1.0, 35),
    ("senior", 1.3, 25),
    ("lead", 1.55, 11),
    ("head", 1.9, 5),
]

BOARDS = [
    ("alderbank-careers", "Alderbank Group Careers"),
    ("brightfield-health", "Brightfield Health Jobs"),
    ("cobalt-freight", "Cobalt Freight Careers"),
    ("larkspur-retail", "Larkspur Retail Jobs"),
    ("quillon-tech", "Quillon Software Careers"),
    ("demo-job-board", "Demo Job Board"),
]
FAMILY_BOARD = {
    "engineering": "quillon-tech",
    "data": "quillon-tech",
    "product": "quillon-tech",
    "sales": "alderbank-careers",
    "healthcare": "brightfield-health",
    "retail": "larkspur-retail",
    "logistics": "cobalt-freight",
    "finance": "alderbank-careers",
    "hr": "alderbank-careers",
}

BENEFITS = [
    "We offer flexible hours, a learning budget and 27 days of paid leave.",
    "You get private health insurance, a pension plan and a yearly team retreat.",
    "We support relocation and offer a generous parental leave policy.",
    "Expect a friendly team, clear career paths and regular feedback.",
    "Staff discounts, paid overtime and a stable schedule are included.",
    "Training is provided and certifications are paid for by the company.",
]
JOB_TAGS = [
    "urgent",
    "visa-sponsorship",
    "graduate",
    "relocation",
    "diversity-hiring",
    "evergreen",
    "new-office",
    "referral-bonus",
]

FIRST_NAMES = [
    "Amara", "Lucas", "Sofia", "Mateo", "Yuki", "Noah", "Aisha", "Elias", "Chloé", "Kwame",
    "Ingrid", "Rafael", "Leila", "Oskar", "Priya", "Tomás", "Mei", "Jonas", "Fatima", "Luca",
    "Zofia", "Omar", "Freya", "Diego", "Nadia", "Hugo", "Anjali", "Emil", "Lucía", "Kofi",
    "Hana", "Matteo", "Sanne", "Arjun", "Camille", "Bogdan", "Imani", "Felix", "Marta", "Tariq",
    "Elif", "Jakub", "Chiara", "Samuel", "Aiko", "Rania", "Henrik", "Valentina", "Malik", "Astrid",
    "Nikolai", "Ines", "Joaquín", "Sakura", "Emeka", "Clara", "Ravi", "Lena", "Andrés", "Yasmin",
    "Théo", "Olga", "Daniel", "Mariam", "Pieter", "Grace", "Cheng", "Ana", "Kenji", "Zainab",
]  # fmt: skip
LAST_NAMES = [
    "Okafor", "Lindqvist", "Moreau", "Rossi", "Nakamura", "García", "Kowalski", "Haddad",
    "Jensen", "Fernandes", "Schneider", "Mensah", "Van Dijk", "Petrov", "Sharma", "O'Brien",
    "Dubois", "Novak", "Chen", "Santos", "Müller", "Nguyen", "Andersson", "Costa", "Bianchi",
    "Rahman", "Fischer", "Martínez", "Kaya", "Horvath", "Murphy", "Laurent", "Wiśniewska",
    "Ito", "Adeyemi", "Gallo", "Hansen", "Patel", "Ruiz", "Weber", "Tanaka", "Boateng",
    "Nieminen", "Silva", "Kim", "Leclerc", "Yilmaz", "Duarte", "Bergström", "Ahmed",
    "Marchetti", "Oyelaran", "Zieliński", "Castillo", "Hoffmann", "Park", "Lambert", "Eriksen",
]  # fmt: skip

COMPANY_PREFIXES = [
    "Alder", "Brightwater", "Cobalt", "Driftwood", "Ember", "Fernhill", "Granite", "Harbor",
    "Ironbridge", "Juniper", "Kestrel", "Larkspur", "Meridian", "Northgate", "Oakridge",
    "Pinewood", "Quillon", "Riverstone", "Silverline", "Tidewater", "Umbra", "Vantage",
    "Willow", "Yellowpine", "Zephyr",
]  # fmt: skip
COMPANY_SUFFIX = {
    "engineering": ["Software", "Labs", "Systems", "Digital"],
    "data": ["Analytics", "Labs", "Data", "Insights"],
    "product": ["Apps", "Studio", "Digital", "Labs"],
    "sales": ["Solutions", "SaaS", "Group", "Technologies"],
    "healthcare": ["Health", "Clinic", "Medical Centre", "Care"],
    "retail": ["Retail", "Stores", "Market", "Outlets"],
    "logistics": ["Freight", "Logistics", "Transport", "Distribution"],
    "finance": ["Finance", "Capital", "Partners", "Accounting"],
    "hr": ["Consulting", "Group", "Talent", "People Partners"],
}
SCHOOLS = [
    "Northbridge University",
    "Lakeside Institute of Technology",
    "Eastmoor University",
    "Riverside Business School",
    "Westhaven College",
    "Highfield Polytechnic",
    "Saint Aldric University",
    "Clearwater School of Health",
    "Greywell University",
    "Southport Technical College",
]
DEGREES = ["BSc", "MSc", "BA", "MA", "MBA", "Bachelor", "Master", "Diploma", "PhD"]
SOFT_SKILLS = ["Communication", "Teamwork", "Problem solving", "Adaptability", "Mentoring"]
LANGUAGE_LEVELS = ["A2", "B1", "B2", "C1", "C2"]
PROFILE_TAGS = [
    "open-to-work",
    "relocation",
    "referral",
    "talent-pool",
    "silver-medalist",
    "returner",
    "remote-only",
]
OFFSETS = [
    timedelta(hours=2),
    timedelta(hours=1),
    timedelta(hours=-5),
    timedelta(hours=-4),
    timedelta(hours=5, minutes=30),
    timedelta(hours=-7),
]

# --- helpers -------------------------------------------------------------------------------------


def iso_z(value: datetime) -> str:
    """The ``...Z`` form pydantic writes for an aware UTC datetime."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def random_time(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def later_time(rng: random.Random, start: datetime) -> datetime:
    """An ``updated_at`` for something created at ``start``: often soon, sometimes never."""
    roll = rng.random()
    if roll < 0.1:
        return start  # never edited
    days = rng.expovariate(1 / 25) if roll < 0.85 else rng.uniform(30, 300)
    updated = start + timedelta(days=days, seconds=rng.randint(0, 3600))
    if updated > UPDATED_MAX:  # no pile-up at the cap: that would be one huge accidental tie
        return random_time(rng, start, UPDATED_MAX)
    return updated.replace(microsecond=0)


def add_ties(rng: random.Random, rows: list[dict[str, Any]], groups: int) -> int:
    """Give ``groups`` groups of 2-5 rows exactly the same ``updated_at`` (a bulk update).

    The shared time is the latest of the group, so ``updated_at >= created_at`` still holds.
    """
    free = list(range(len(rows)))
    rng.shuffle(free)
    made = 0
    for _ in range(groups):
        size = rng.randint(2, 5)
        members, free = free[:size], free[size:]
        shared = max(rows[i]["updated_at"] for i in members)
        for i in members:
            rows[i]["updated_at"] = shared
            rows[i]["tie_group"] = made
        made += 1
    return made


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def round_to(value: float, step: float) -> float:
    rounded = round(value / step) * step
    return int(rounded) if float(rounded).is_integer() else round(rounded, 2)


def location(
    city: tuple[str, str, str, float, float, float], with_text: bool = True
) -> dict[str, Any]:
    name, region, country, lat, lon, _ = city
    return {
        "text": f"{name}, {COUNTRY_NAMES[country]}" if with_text else None,
        "city": name,
        "region": region,
        "country": country,
        "lat": lat,
        "lon": lon,
    }


def local_language(city: tuple[str, str, str, float, float, float]) -> str:
    return CITY_LANGUAGE.get(city[0], LOCAL_LANGUAGE[city[2]])


def with_offset(line: str, fields: list[str], offset: timedelta) -> str:
    """Rewrite the named ``...Z`` timestamps of a dumped line in an equivalent offset form."""
    record = json.loads(line)
    for field in fields:
        old = f'"{field}":"{record[field]}"'
        moment = datetime.fromisoformat(record[field].replace("Z", "+00:00"))
        new = f'"{field}":"{moment.astimezone(timezone(offset)).isoformat()}"'
        assert line.count(old) == 1, (field, line)
        line = line.replace(old, new)
    return line


def offset_for(country: str, rng: random.Random) -> timedelta:
    """An offset plausible for the record's country, or a random one."""
    hours = UTC_OFFSET_HOURS.get(country, 1)
    if hours == 0 or rng.random() < 0.3:
        return rng.choice(OFFSETS)
    return timedelta(hours=hours + rng.choice([0, 1]))  # standard or summer time


# --- jobs ----------------------------------------------------------------------------------------


def salary(
    rng: random.Random,
    family: dict[str, Any],
    role: tuple[str, float, bool],
    seniority: tuple[str, float, int],
    city: tuple[str, str, str, float, float, float],
    employment: str,
) -> dict[str, Any]:
    country = city[2]
    currency, rate = PAY[country]
    annual = family["base"] * role[1] * seniority[1] * rate * city[5] * rng.uniform(0.92, 1.08)
    spread = rng.uniform(1.08, 1.35)
    entry_level = role[2] and seniority[0] in ("intern", "junior", "mid")
    if employment in ("contract", "freelance") and country in DAY_RATE_COUNTRIES:
        period, low, step = "day", annual * 1.6 / 220, 10
    elif (entry_level and country in HOURLY_COUNTRIES) or (employment == "part_time" and role[2]):
        period, low, step = "hour", annual / 1800, 0.25
    elif (entry_level or country == "PL") and country in MONTHLY_COUNTRIES:
        period, low, step = "month", annual / 12, 50
    else:
        period, low, step = "year", annual, 1000
    return {
        "min": round_to(low, step),
        "max": round_to(low * spread, step),
        "currency": currency,
        "period": period,
    }


def job_title(role: str, family: dict[str, Any], seniority: str, rng: random.Random) -> str:
    if seniority == "head":
        return rng.choice(family["heads"])
    prefix = {"intern": "", "junior": "Junior ", "mid": "", "senior": "Senior ", "lead": "Lead "}
    title = f"{prefix[seniority]}{role}"
    return f"{title} Intern" if seniority == "intern" else title


def make_rows(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Numbers and timestamps, decided before the records so ties can be added first."""
    rows = []
    for number in range(1, count + 1):
        created = random_time(rng, CREATED_FROM, CREATED_TO)
        rows.append(
            {"number": number, "created_at": created, "updated_at": later_time(rng, created)}
        )
    return rows


def make_job(rng: random.Random, row: dict[str, Any]) -> UnifiedJob:
    number = row["number"]
    created, updated = row["created_at"], row["updated_at"]
    family_name = rng.choices(FAMILY_NAMES, FAMILY_WEIGHTS)[0]
    family = FAMILIES[family_name]
    role = rng.choice(family["roles"])
    seniority = rng.choices(SENIORITIES, [s[2] for s in SENIORITIES])[0]
    city = rng.choice(CITIES)
    department = rng.choice(family["departments"])
    title = job_title(role[0], family, seniority[0], rng)

    if seniority[0] == "intern":
        employment = "internship"
    else:
        employment = rng.choices(
            ["full_time", "part_time", "contract", "temporary", "freelance"],
            [78, 8 if role[2] else 3, 8, 4 if role[2] else 1, 0 if role[2] else 3],
        )[0]
    if family["office"]:
        workplace = rng.choices(["onsite", "hybrid", "remote"], [35, 45, 20])[0]
    elif role[0] in ("Logistics Coordinator", "Supply Chain Analyst", "Transport Planner"):
        workplace = rng.choices(["onsite", "hybrid"], [60, 40])[0]
    else:
        workplace = "onsite"

    skills = rng.sample(family["skills"], rng.randint(3, 6))
    duty = rng.choice(family["duties"])
    sentences = [f"As a {title} in our {department} team in {city[0]}, you will {duty}."]
    if rng.random() < 0.75:
        sentences.append(f"You will use {skills[0]} and {skills[1]} every day.")
    if rng.random() < 0.5:
        sentences.append(rng.choice(BENEFITS))

    language = local_language(city)
    languages = [{"name": language, "level": rng.choice(["C1", "C2", "native"])}]
    if language != "English" and (family["office"] or rng.random() < 0.3):
        languages.append({"name": "English", "level": rng.choice(["B2", "C1"])})

    tags = [family_name]
    if rng.random() < 0.35:
        tags.append(rng.choice(JOB_TAGS))
    if workplace == "remote":
        tags.append("remote")

    status = rng.choices(["open", "closed", "draft", "archived"], [74, 13, 6, 7])[0]
    board_key = rng.choice([k for k, _ in BOARDS]) if rng.random() < 0.2 else None
    board_key = board_key or FAMILY_BOARD[family_name]
    job_id = f"job-{number:05d}"
    url = f"https://jobs.example/{board_key}/{job_id}"

    record: dict[str, Any] = {
        "id": job_id,
        "reference": f"DEMO-J-{number:05d}",
        "board": {"key": board_key, "name": dict(BOARDS)[board_key]},
        "title": title,
        "description": " ".join(sentences),
        "url": url,
        "apply_url": f"https://jobs.example/apply/{job_id}",
        "location": location(city),
        "workplace_type": workplace,
        "employment_type": employment,
        "department": department,
        "team": rng.choice(family["teams"]) if rng.random() < 0.6 else None,
        "seniority": seniority[0],
        "salary": (
            salary(rng, family, role, seniority, city, employment) if rng.random() < 0.85 else None
        ),
        "skills": [{"name": name} for name in skills],
        "languages": languages,
        "tags": tags,
        "status": status,
        "created_at": created,
        "updated_at": updated,
    }
    if status != "draft":
        published = created + timedelta(hours=rng.randint(0, 72))
        record["published_at"] = min(published, updated)
    if status == "closed":
        record["closed_at"] = updated
    if status == "archived":
        record["archived_at"] = updated
    if rng.random() < 0.05:
        record["extra"] = {"headcount": rng.randint(2, 6)}
    return UnifiedJob.model_validate(record)


# --- profiles ------------------------------------------------------------------------------------


def month_start(value: date) -> date:
    return value.replace(day=1)


def make_profile(rng: random.Random, row: dict[str, Any]) -> UnifiedProfile:
    number = row["number"]
    family_name = rng.choices(FAMILY_NAMES, FAMILY_WEIGHTS)[0]
    family = FAMILIES[family_name]
    role = rng.choice(family["roles"])[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    city = rng.choice(CITIES)

    # Career, newest first: the latest job started 0-4 years ago, earlier ones before it.
    n_jobs = rng.randint(1, 4)
    end: date | None = None
    cursor = TODAY - timedelta(days=rng.randint(30, 4 * 365))
    experiences = []
    for index in range(n_jobs):
        seniority = ["Senior ", "", "Junior ", "Junior "][index] if n_jobs > 1 else ""
        if index == 0 and n_jobs >= 3 and rng.random() < 0.4:
            seniority = "Lead "
        company = f"{rng.choice(COMPANY_PREFIXES)} {rng.choice(COMPANY_SUFFIX[family_name])}"
        experience: dict[str, Any] = {
            "company": company,
            "title": f"{seniority}{role}",
            "start_date": month_start(cursor),
        }
        if end is None and rng.random() < 0.8:
            experience["is_current"] = True
        else:
            experience["end_date"] = month_start(
                end or TODAY - timedelta(days=rng.randint(20, 200))
            )
            if experience["end_date"] < experience["start_date"]:
                experience["end_date"] = experience["start_date"]
        if rng.random() < 0.3:
            experience["description"] = f"{rng.choice(family['duties']).capitalize()}."
        experiences.append(experience)
        end = cursor - timedelta(days=rng.randint(0, 120))
        cursor = end - timedelta(days=rng.randint(300, 4 * 365))

    first_start = experiences[-1]["start_date"]
    years = max(1, (TODAY - first_start).days // 365)
    educations = []
    grad_year = first_start.year - rng.randint(0, 1)
    for _ in range(rng.choices([1, 2], [70, 30])[0]):
        length = rng.randint(2, 4)
        educations.append(
            {
                "school": rng.choice(SCHOOLS),
                "degree": rng.choice(DEGREES),
                "field_of_study": rng.choice(family["fields"]),
                "start_date": date(grad_year - length, 9, 1),
                "end_date": date(grad_year, 6, 30),
            }
        )
        grad_year -= length

    skills: list[dict[str, Any]] = [
        {"name": name} for name in rng.sample(family["skills"], rng.randint(3, 6))
    ]
    if rng.random() < 0.5:
        skills.append({"name": rng.choice(SOFT_SKILLS), "type": "soft"})
    language = local_language(city)
    languages = [{"name": language, "level": "native"}]
    if language != "English":
        languages.append({"name": "English", "level": rng.choice(LANGUAGE_LEVELS[1:])})
    if rng.random() < 0.3:
        other = rng.choice(["Spanish", "French", "German", "Italian", "Arabic", "Mandarin"])
        if other != language:
            languages.append({"name": other, "level": rng.choice(LANGUAGE_LEVELS)})

    handle = f"{slug(first)}.{slug(last)}{number}"
    profile_id = f"profile-{number:05d}"
    title = experiences[0]["title"]
    headline = f"{title} · {years} year{'s' if years > 1 else ''} of experience"
    summary = (
        f"{title} based in {city[0]} with {years} year{'s' if years > 1 else ''} in "
        f"{family_name if family_name != 'hr' else 'HR'}. Strong in {skills[0]['name']} and "
        f"{skills[1]['name']}."
    )
    urls = []
    if rng.random() < 0.5:
        urls.append(
            {"url": f"https://social.example/in/{handle.replace('.', '-')}", "type": "linkedin"}
        )
    if family_name in ("engineering", "data") and rng.random() < 0.4:
        urls.append({"url": f"https://code.example/{slug(first)}{slug(last)}", "type": "github"})
    tags = [family_name]
    if rng.random() < 0.4:
        tags.append(rng.choice(PROFILE_TAGS))

    record: dict[str, Any] = {
        "id": profile_id,
        "reference": f"DEMO-P-{number:05d}",
        "first_name": first,
        "last_name": last,
        "emails": [f"{handle}@mail.example"],
        "phones": [phone(rng, city[2])],
        "location": location(city, with_text=False),
        "headline": headline,
        "summary": summary,
        "experiences": experiences,
        "educations": educations,
        "skills": skills,
        "languages": languages,
        "tags": tags,
        "attachments": [
            {
                "type": "resume",
                "url": f"https://files.example/resumes/{profile_id}.pdf",
                "filename": f"{slug(first)}-{slug(last)}-cv.pdf",
                "content_type": "application/pdf",
            }
        ],
        "urls": urls,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    return UnifiedProfile.model_validate(record)


def phone(rng: random.Random, country: str) -> str:
    """A phone number in a range set aside for fiction where one exists, else clearly fake."""
    if country in ("US", "CA"):
        area = rng.choice(["212", "415", "312", "416", "514", "604"])
        return f"+1 {area} 555 01{rng.randint(0, 99):02d}"
    if country == "GB":
        return f"+44 7700 900{rng.randint(0, 999):03d}"
    if country == "FR":
        return f"+33 6 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
    code = {
        "DE": "49", "NL": "31", "BE": "32", "ES": "34", "PT": "351", "IT": "39", "IE": "353",
        "CH": "41", "AT": "43", "SE": "46", "DK": "45", "PL": "48",
    }[country]  # fmt: skip
    return f"+{code} 555 {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"


# --- events --------------------------------------------------------------------------------------


def make_events(rng: random.Random, job_ids: list[str]) -> list[UnifiedJobEvent]:
    types = ["created"] * 10 + ["updated"] * 19 + ["deleted"] * 7 + ["archived"] * 4
    rng.shuffle(types)
    targets = rng.sample(job_ids, N_EVENTS)
    events = [
        UnifiedJobEvent.model_validate(
            {
                "event_type": event_type,
                "resource": "job",
                "resource_id": target,
                "occurred_at": random_time(rng, EVENTS_FROM, EVENTS_TO),
                "source": "demo",
            }
        )
        for event_type, target in zip(types, targets, strict=True)
    ]
    return sorted(events, key=lambda event: (event.occurred_at, event.resource_id))


# --- writing and checking ------------------------------------------------------------------------


def dump(model: UnifiedJob | UnifiedProfile) -> str:
    return model.model_dump_json(exclude_none=True, exclude_defaults=True)


def build_lines(
    rng: random.Random,
    rows: list[dict[str, Any]],
    make: Any,
    n_offsets: int,
) -> tuple[list[str], list[Any]]:
    """Models for ``rows``, shuffled, dumped; ``n_offsets`` lines rewritten with offsets.

    A few of the offset lines are members of tie groups, so two lines that look different in
    the raw file hold the same instant.
    """
    models = [make(rng, row) for row in rows]
    order = list(range(len(models)))
    rng.shuffle(order)
    lines = [dump(models[i]) for i in order]
    tied = [pos for pos, i in enumerate(order) if "tie_group" in rows[i]]
    untied = [pos for pos, i in enumerate(order) if "tie_group" not in rows[i]]
    chosen = rng.sample(tied, 3) + rng.sample(untied, n_offsets - 3)
    for pos in sorted(chosen):
        model = models[order[pos]]
        country = model.location.country if model.location and model.location.country else "GB"
        fields = ["updated_at", "created_at"] if rng.random() < 0.5 else ["updated_at"]
        lines[pos] = with_offset(lines[pos], fields, offset_for(country, rng))
    return lines, models


def write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8", newline="\n")


def check(path: Path, model: Any, expected: int) -> dict[str, int]:
    """Re-read ``path``: every line validates; count ties and offset-written timestamps."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == expected, (path, len(lines))
    records = [model.model_validate_json(line) for line in lines]
    ids = [record.id if hasattr(record, "id") else record.resource_id for record in records]
    offsets = sum(1 for line in lines if _has_offset(line))
    stats = {"lines": len(lines), "bytes": path.stat().st_size, "offset_lines": offsets}
    if model is not UnifiedJobEvent:
        assert len(set(ids)) == len(ids), "duplicate ids"
        for record in records:
            assert record.created_at is not None and record.updated_at is not None
            assert record.updated_at >= record.created_at, record.id
            assert record.updated_at <= UPDATED_MAX, record.id
        counts = Counter(record.updated_at for record in records)
        sizes = [n for n in counts.values() if n > 1]
        assert all(2 <= n <= 5 for n in sizes), sorted(sizes)
        stats["tie_groups"] = len(sizes)
        stats["tied_records"] = sum(sizes)
        in_order = [record.updated_at for record in records]
        assert in_order != sorted(in_order), "lines should not be sorted by updated_at"
    return stats


def _has_offset(line: str) -> bool:
    record = json.loads(line)
    return any(
        isinstance(value, str) and len(value) > 19 and value[19] in "+-" and value[10] == "T"
        for value in record.values()
    )


def main() -> None:
    rng = random.Random(SEED)

    job_rows = make_rows(rng, N_JOBS)
    add_ties(rng, job_rows, JOB_TIE_GROUPS)
    job_lines, jobs = build_lines(rng, job_rows, make_job, JOB_OFFSET_LINES)

    profile_rows = make_rows(rng, N_PROFILES)
    add_ties(rng, profile_rows, PROFILE_TIE_GROUPS)
    profile_lines, _ = build_lines(rng, profile_rows, make_profile, PROFILE_OFFSET_LINES)

    events = make_events(rng, [job.id for job in jobs])
    event_lines = [event.model_dump_json(exclude_none=True) for event in events]

    write(JOBS_FILE, job_lines)
    write(PROFILES_FILE, profile_lines)
    write(EVENTS_FILE, event_lines)

    total = 0
    for path, model, expected in (
        (JOBS_FILE, UnifiedJob, N_JOBS),
        (PROFILES_FILE, UnifiedProfile, N_PROFILES),
        (EVENTS_FILE, UnifiedJobEvent, N_EVENTS),
    ):
        stats = check(path, model, expected)
        total += stats["bytes"]
        print(f"{path.name}: " + ", ".join(f"{k}={v}" for k, v in stats.items()))
    print(f"total bytes: {total}")
    assert total < 4 * 1024 * 1024, "demo data should stay under 4 MB"


if __name__ == "__main__":
    main()
