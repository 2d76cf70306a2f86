{{%AUTOESCAPE context="HTML"}}
{{! The event page. Fill ID, NAME, DESCRIPTION, VENUE, CITY, ADDRESS, }}
{{! CAPACITY, TIMEZONE, STARTS, STARTS_ISO, ENDS, ENDS_ISO; show }}
{{! HAS_DESCRIPTION (a PARAGRAPH with TEXT per line), one of SCHEDULED, PAST, CANCELLED, and ORGANIZER. }}
{{! ON_OFFER (scheduled and upcoming): SELL; one of NO_TICKETS, SOLD_OUT and }}
{{! OFFERS (SUMMARY, a LISTING each with LISTING_ID, SECTION, ROW, SEAT, }}
{{! PRICE, AVAILABLE; SHOWN_MAX when the list is cut). }}
<article>
<h1>{{NAME}}</h1>
{{#CANCELLED}}
<div class="alert" role="status">
<p><strong>This event is cancelled.</strong> It will not take place and no tickets are on offer.</p>
</div>
{{/CANCELLED}}
{{#PAST}}
<div class="alert" role="status">
<p>This event is over.</p>
</div>
{{/PAST}}
<dl class="details">
<dt>Starts</dt>
<dd><time datetime="{{STARTS_ISO}}">{{STARTS}}</time></dd>
<dt>Ends</dt>
<dd><time datetime="{{ENDS_ISO}}">{{ENDS}}</time></dd>
<dt>Time zone</dt>
<dd>{{TIMEZONE}} (times are local to the venue)</dd>
<dt>Venue</dt>
<dd>{{VENUE}}</dd>
<dt>Address</dt>
<dd>{{ADDRESS}}, {{CITY}}</dd>
<dt>Capacity</dt>
<dd>{{CAPACITY}} people</dd>
</dl>
{{#HAS_DESCRIPTION}}
<h2>About this event</h2>
{{#PARAGRAPH}}
<p>{{TEXT}}</p>
{{/PARAGRAPH}}
{{/HAS_DESCRIPTION}}
<h2>Tickets on offer</h2>
{{#ON_OFFER}}
{{#NO_TICKETS}}
<p>No tickets listed yet. Tickets appear here as soon as members offer them.</p>
{{/NO_TICKETS}}
{{#SOLD_OUT}}
<p><strong>Sold out.</strong> Every ticket offered is reserved or sold; tickets appear here again when a reservation ends unpaid or a member offers more.</p>
{{/SOLD_OUT}}
{{#OFFERS}}
<p>{{SUMMARY}}</p>
<div class="table-wrap">
<table class="listings stack">
<thead>
<tr><th scope="col">Section</th><th scope="col">Row</th><th scope="col">Seat</th><th scope="col">Price each</th><th scope="col">Available</th><th scope="col">Listing</th></tr>
</thead>
<tbody>
{{#LISTING}}
<tr><td data-label="Section">{{SECTION}}</td><td data-label="Row">{{ROW}}</td><td data-label="Seat">{{SEAT}}</td><td data-label="Price each">{{PRICE}}</td><td data-label="Available">{{AVAILABLE}}</td><td><a href="/tickets/{{LISTING_ID}}">See and buy</a></td></tr>
{{/LISTING}}
</tbody>
</table>
</div>
{{#SHOWN_MAX}}
<p>Only the {{SHOWN_MAX}} cheapest listings are shown.</p>
{{/SHOWN_MAX}}
{{/OFFERS}}
{{#SELL}}
<p><a href="/tickets/new?event_id={{ID}}">Sell tickets for this event</a></p>
{{/SELL}}
{{/ON_OFFER}}
{{#PAST}}
<p>No tickets are on offer for a past event.</p>
{{/PAST}}
{{#CANCELLED}}
<p>None: the event is cancelled.</p>
{{/CANCELLED}}
{{#ORGANIZER}}
<h2>Organizer</h2>
<p><a href="/events/{{ID}}/edit">Edit this event</a> · <a href="/events/{{ID}}/cancel">Cancel this event</a></p>
{{/ORGANIZER}}
</article>
<p><a href="/">Back to upcoming events</a></p>
