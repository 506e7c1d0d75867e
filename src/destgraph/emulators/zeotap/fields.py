"""What a destination exposes to mapping: the answer of ``GET .../destinations/{destId}/fields``.

No source gives this response's shape (vendor-facts.md section 2, NOT FOUND); the emulator answers
``[{"name", "label", "type", "required"}]`` with each type's realistic fields, ``type`` being the
destination's own type name. Shared, read-only module constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class MappableField:
    """A field of the destination that a sync can map a column to (``GET .../fields``)."""

    name: str
    label: str
    type: str
    required: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "type": self.type, "required": self.required}


def _m(*rows: tuple[str, str, str] | tuple[str, str, str, bool]) -> tuple[MappableField, ...]:
    return tuple(MappableField(*row) for row in rows)


_SALESFORCE_FIELDS: dict[str, tuple[MappableField, ...]] = {
    "Contact": _m(
        ("Email", "Email", "email", True),
        ("FirstName", "First Name", "string"),
        ("LastName", "Last Name", "string", True),
        ("Phone", "Business Phone", "phone"),
        ("MobilePhone", "Mobile Phone", "phone"),
        ("Title", "Title", "string"),
        ("AccountId", "Account ID", "reference"),
        ("MailingCity", "Mailing City", "string"),
        ("MailingCountry", "Mailing Country", "string"),
        ("LeadSource", "Lead Source", "picklist"),
        ("Birthdate", "Birthdate", "date"),
        ("HasOptedOutOfEmail", "Email Opt Out", "boolean"),
    ),
    "Lead": _m(
        ("Email", "Email", "email", True),
        ("FirstName", "First Name", "string"),
        ("LastName", "Last Name", "string", True),
        ("Company", "Company", "string", True),
        ("Status", "Lead Status", "picklist"),
        ("Phone", "Phone", "phone"),
        ("Industry", "Industry", "picklist"),
        ("AnnualRevenue", "Annual Revenue", "currency"),
        ("NumberOfEmployees", "Employees", "int"),
        ("LeadSource", "Lead Source", "picklist"),
    ),
    "Account": _m(
        ("Name", "Account Name", "string", True),
        ("Website", "Website", "url"),
        ("Industry", "Industry", "picklist"),
        ("AnnualRevenue", "Annual Revenue", "currency"),
        ("NumberOfEmployees", "Employees", "int"),
        ("BillingCity", "Billing City", "string"),
        ("BillingCountry", "Billing Country", "string"),
        ("Type", "Account Type", "picklist"),
    ),
    "Opportunity": _m(
        ("Name", "Opportunity Name", "string", True),
        ("StageName", "Stage", "picklist", True),
        ("CloseDate", "Close Date", "date", True),
        ("Amount", "Amount", "currency"),
        ("AccountId", "Account ID", "reference"),
        ("Probability", "Probability (%)", "percent"),
    ),
    "Case": _m(
        ("Subject", "Subject", "string", True),
        ("Status", "Status", "picklist"),
        ("Priority", "Priority", "picklist"),
        ("Origin", "Case Origin", "picklist"),
        ("ContactId", "Contact ID", "reference"),
        ("Description", "Description", "textarea"),
    ),
}

_HUBSPOT_FIELDS: dict[str, tuple[MappableField, ...]] = {
    "contacts": _m(
        ("email", "Email", "string", True),
        ("firstname", "First Name", "string"),
        ("lastname", "Last Name", "string"),
        ("phone", "Phone Number", "string"),
        ("company", "Company Name", "string"),
        ("jobtitle", "Job Title", "string"),
        ("lifecyclestage", "Lifecycle Stage", "enumeration"),
        ("hs_lead_status", "Lead Status", "enumeration"),
        ("city", "City", "string"),
        ("country", "Country/Region", "string"),
        ("website", "Website URL", "string"),
    ),
    "companies": _m(
        ("domain", "Company Domain Name", "string", True),
        ("name", "Name", "string"),
        ("industry", "Industry", "enumeration"),
        ("numberofemployees", "Number of Employees", "number"),
        ("annualrevenue", "Annual Revenue", "number"),
        ("city", "City", "string"),
        ("country", "Country/Region", "string"),
    ),
    "deals": _m(
        ("dealname", "Deal Name", "string", True),
        ("dealstage", "Deal Stage", "enumeration", True),
        ("pipeline", "Pipeline", "enumeration"),
        ("amount", "Amount", "number"),
        ("closedate", "Close Date", "datetime"),
    ),
}


def _warehouse_columns(types: tuple[str, str, str, str]) -> tuple[MappableField, ...]:
    # The columns a schema introspection of the target table returns, in the warehouse's own types.
    text, number, stamp, flag = types
    return _m(
        ("customer_id", "customer_id", text, True),
        ("email", "email", text),
        ("first_name", "first_name", text),
        ("last_name", "last_name", text),
        ("lifetime_value", "lifetime_value", number),
        ("order_count", "order_count", number),
        ("is_subscribed", "is_subscribed", flag),
        ("segment", "segment", text),
        ("last_order_at", "last_order_at", stamp),
        ("updated_at", "updated_at", stamp),
    )


_STATIC_FIELDS: dict[str, tuple[MappableField, ...]] = {
    "google_ads": _m(
        ("email", "Email (hashed SHA-256)", "email"),
        ("phone", "Phone (E.164, hashed)", "phone"),
        ("first_name", "First Name (hashed)", "string"),
        ("last_name", "Last Name (hashed)", "string"),
        ("country_code", "Country Code", "string"),
        ("postal_code", "Postal Code", "string"),
        ("mobile_id", "Mobile Advertising ID", "string"),
        ("third_party_user_id", "CRM User ID", "string"),
    ),
    "facebook_ads": _m(
        ("EMAIL", "Email", "email"),
        ("PHONE", "Phone", "phone"),
        ("FN", "First Name", "string"),
        ("LN", "Last Name", "string"),
        ("CT", "City", "string"),
        ("ST", "State", "string"),
        ("ZIP", "Zip Code", "string"),
        ("COUNTRY", "Country", "string"),
        ("DOBY", "Birth Year", "string"),
        ("GEN", "Gender", "string"),
        ("MADID", "Mobile Advertiser ID", "string"),
        ("EXTERN_ID", "External ID", "string"),
    ),
    "linkedin_ads": _m(
        ("email", "Email", "email"),
        ("first_name", "First Name", "string"),
        ("last_name", "Last Name", "string"),
        ("company_name", "Company Name", "string"),
        ("title", "Job Title", "string"),
        ("country", "Country", "string"),
        ("google_aid", "Google Advertising ID", "string"),
    ),
    "the_trade_desk": _m(
        ("tdid", "The Trade Desk ID", "string"),
        ("daid", "Device Advertising ID (MAID)", "string"),
        ("uid2", "Unified ID 2.0", "string"),
        ("id5", "ID5 (decrypted)", "string"),
    ),
    "braze": _m(
        ("external_id", "External ID", "string", True),
        ("email", "Email", "email"),
        ("phone", "Phone", "phone"),
        ("first_name", "First Name", "string"),
        ("last_name", "Last Name", "string"),
        ("country", "Country", "string"),
        ("language", "Language", "string"),
        ("gender", "Gender", "string"),
        ("dob", "Date of Birth", "date"),
        ("email_subscribe", "Email Subscription", "string"),
        ("push_subscribe", "Push Subscription", "string"),
    ),
    "iterable": _m(
        ("email", "Email", "email", True),
        ("userId", "User ID", "string"),
        ("phoneNumber", "Phone Number", "phone"),
        ("firstName", "First Name", "string"),
        ("lastName", "Last Name", "string"),
        ("signupDate", "Signup Date", "date"),
        ("locale", "Locale", "string"),
    ),
    # The Klaviyo page's "Default Destination Fields", email being the required mapping.
    "klaviyo": _m(
        ("email", "Email", "email", True),
        ("phone_number", "Phone Number", "phone"),
        ("external_id", "External ID", "string"),
        ("first_name", "First Name", "string"),
        ("last_name", "Last Name", "string"),
        ("title", "Title", "string"),
        ("organization", "Organization", "string"),
        ("city", "City", "string"),
        ("region", "Region", "string"),
        ("country", "Country", "string"),
        ("zip", "Zip", "string"),
        ("image", "Image URL", "url"),
        ("latitude", "Latitude", "number"),
        ("longitude", "Longitude", "number"),
    ),
    "mailchimp": _m(
        ("email_address", "Email Address", "email", True),
        ("status", "Subscription Status", "string"),
        ("FNAME", "First Name", "string"),
        ("LNAME", "Last Name", "string"),
        ("PHONE", "Phone Number", "phone"),
        ("ADDRESS", "Address", "address"),
        ("BIRTHDAY", "Birthday", "birthday"),
        ("tags", "Tags", "array"),
    ),
    "webhook": _m(
        ("id", "Record ID", "string", True),
        ("email", "Email", "string"),
        ("event", "Event Name", "string"),
        ("timestamp", "Timestamp", "datetime"),
        ("properties", "Properties", "object"),
        ("traits", "Traits", "object"),
    ),
    "snowflake": _warehouse_columns(("VARCHAR", "NUMBER", "TIMESTAMP_NTZ", "BOOLEAN")),
    "bigquery": _warehouse_columns(("STRING", "NUMERIC", "TIMESTAMP", "BOOL")),
    "databricks": _warehouse_columns(("STRING", "DECIMAL", "TIMESTAMP", "BOOLEAN")),
    # File destinations: "Field Mapping: No", every mapped column becomes a file column.
    "s3": (),
    "gcs": (),
}


def mappable_fields(destination_type: str, config: dict[str, Any]) -> tuple[MappableField, ...]:
    """The fields of a destination of ``destination_type`` configured with ``config``."""
    if destination_type == "salesforce":
        return _SALESFORCE_FIELDS.get(str(config.get("object") or "Contact"), _SALESFORCE_FIELDS["Contact"])
    if destination_type == "hubspot":
        return _HUBSPOT_FIELDS.get(str(config.get("object_type") or "contacts"), _HUBSPOT_FIELDS["contacts"])
    return _STATIC_FIELDS[destination_type]
