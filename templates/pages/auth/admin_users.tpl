{{%AUTOESCAPE context="HTML"}}
{{! Fill with fields_show (lib/fields.h): Q (the search text) and }}
{{! Q_MAXLENGTH; show NONE when nothing matched, MORE when more }}
{{! than LIMIT matched; one USER section per account with ID, NAME, EMAIL, }}
{{! ROLE and CREATED_AT, and in it either ADMIN (no change possible) or }}
{{! PROMOTE or DEMOTE, each with a CSRF include and ACTION_URL. }}
<h1>Members and roles</h1>
<p>Organizers may create venues and events. A role change signs the member out everywhere, so it applies at their next sign-in.</p>
<form class="form" method="get" action="/auth/admin/users" role="search">
<div class="field">
<label for="q">Email or name</label>
<input type="search" id="q" name="q" value="{{Q}}" maxlength="{{Q_MAXLENGTH}}">
</div>
<div class="actions">
<button type="submit">Search</button>
</div>
</form>
{{#NONE}}
<p>No member matches that search.</p>
{{/NONE}}
{{#RESULTS}}
<div class="table-wrap">
<table class="stack">
<caption>Members{{#MORE}} (the first {{LIMIT}} matches; narrow the search to see others){{/MORE}}</caption>
<thead>
<tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col">Change</th></tr>
</thead>
<tbody>
{{#USER}}
<tr>
<td data-label="Name">{{NAME}}</td>
<td data-label="Email">{{EMAIL}}</td>
<td data-label="Role">{{ROLE}}</td>
<td data-label="Since">{{CREATED_AT}}</td>
<td data-label="Change">
{{#ADMIN}}Administrator{{/ADMIN}}
{{#PROMOTE}}
<form method="post" action="{{ACTION_URL}}">
{{>CSRF}}
<input type="hidden" name="role" value="organizer">
<button type="submit">Make organizer<span class="visually-hidden"> ({{EMAIL}})</span></button>
</form>
{{/PROMOTE}}
{{#DEMOTE}}
<form method="post" action="{{ACTION_URL}}">
{{>CSRF}}
<input type="hidden" name="role" value="member">
<button type="submit">Revoke organizer<span class="visually-hidden"> ({{EMAIL}})</span></button>
</form>
{{/DEMOTE}}
</td>
</tr>
{{/USER}}
</tbody>
</table>
</div>
{{/RESULTS}}
