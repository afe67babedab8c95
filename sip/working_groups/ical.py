"""Meetings as iCalendar (RFC 5545) files, with the icalendar library."""

from flask import current_app
from icalendar import Calendar, Event

from sip.working_groups.models import Meeting


def meeting_calendar(meeting: Meeting, url: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//SIP//Smart in Progress//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = current_app.config.get("SERVER_NAME") or "sip.invalid"
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", meeting.created_at)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", meeting.title)
    place = ", ".join(p for p in (meeting.place, meeting.online_url) if p)
    if place:
        event.add("location", place)
    event.add("description", "\n\n".join(p for p in (meeting.agenda, url) if p))
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()
