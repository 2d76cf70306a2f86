{{%AUTOESCAPE context="HTML"}}
{{! The home page. Include LIST (pages/events/list.tpl) and PAGINATION; }}
{{! show BAD_PAGE (PAGE_MAX), COUNT (TOTAL, NOUN, FIRST, LAST; NARROW with }}
{{! LISTED_MAX when there are more), EMPTY, PAST_END (PAGES, }}
{{! FIRST_URL) and ORGANIZER as they apply; fields_show (lib/fields.h) }}
{{! sets Q_MAXLENGTH from the search form's table. }}
<h1>Upcoming events</h1>
<form class="inline-form" method="get" action="/events" role="search">
<label for="q">Search events</label>
<input type="search" id="q" name="q" maxlength="{{Q_MAXLENGTH}}">
<button type="submit">Search</button>
</form>
{{#ORGANIZER}}
<p><a href="/events/new">Create an event</a> · <a href="/venues">Manage venues</a></p>
{{/ORGANIZER}}
{{#BAD_PAGE}}
<div class="alert" role="alert">
<p>The page number in the address is not valid: the list has pages 1 to {{PAGE_MAX}} at most. <a href="/">Go to the first page</a>, or <a href="/events">search</a> by words, city or dates for later events.</p>
</div>
{{/BAD_PAGE}}
{{#COUNT}}
<p>{{TOTAL}} upcoming {{NOUN}}, soonest first. Showing {{FIRST}} to {{LAST}}. Times are local to each venue.</p>
{{#NARROW}}
<p>Only the first {{LISTED_MAX}} are listed here: <a href="/events">search</a> by words, city or dates to find later events.</p>
{{/NARROW}}
{{/COUNT}}
{{>LIST}}
{{#EMPTY}}
<p>No upcoming events yet. Please check back soon.</p>
{{/EMPTY}}
{{#PAST_END}}
<p>There is no such page: the list has {{PAGES}} page(s). <a href="{{FIRST_URL}}">Go to the first page</a>.</p>
{{/PAST_END}}
{{>PAGINATION}}
