

def test_the_overdue_filter_reads_the_date_where_the_person_lives(world, head, spec):
    """p1 lives in Omsk (UTC+6): at 19:00 UTC on the due date it is already the next day
    there, so the request is overdue, while the server's Moscow is still on the due date."""
    import datetime as dt

    from berezhno.rights import selectors
    from berezhno.rights.tests.conftest import register

    item = register(spec, world.p1)
    due = item.due_on
    late = dt.datetime.combine(due, dt.time(19, 0), tzinfo=dt.UTC)
    early = dt.datetime.combine(due, dt.time(17, 0), tzinfo=dt.UTC)
    assert list(selectors.request_list(head, overdue=True, today=late)) == [item]
    assert list(selectors.request_list(head, overdue=True, today=early)) == []
    assert selectors.due_state(item)["overdue"] is (selectors.local_today(world.p1.territory) > due)
