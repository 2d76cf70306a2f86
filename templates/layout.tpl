{{%AUTOESCAPE context="HTML"}}
{{! The whole document. Fill: TITLE; show SIGNED_IN (USER_NAME, and the }}
{{! CSRF include with CSRF_TOKEN) or SIGNED_OUT; include FLASH }}
{{! (partials/flash.tpl) and BODY (the page template: lib/page.c renders }}
{{! it apart and puts it right before </main>, where BODY goes); show REFRESH }}
{{! (SECONDS) for a page the browser loads again by itself. }}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} · Ticketing</title>
{{#REFRESH}}
<meta http-equiv="refresh" content="{{SECONDS}}">
{{/REFRESH}}
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="container site-header-inner">
<a class="site-name" href="/">Ticketing</a>
<nav class="site-nav" aria-label="Main">
<ul>
<li><a href="/">Events</a></li>
{{#SIGNED_IN}}
<li><a href="/tickets/mine">My listings</a></li>
<li><a href="/orders">My orders</a></li>
<li><a href="/auth/account">Signed in as {{USER_NAME}}</a></li>
<li>
<form class="inline-form" method="post" action="/auth/signout">
{{>CSRF}}
<button type="submit" class="button-link">Sign out</button>
</form>
</li>
{{/SIGNED_IN}}
{{#SIGNED_OUT}}
<li><a href="/auth/signin">Sign in</a></li>
<li><a href="/auth/signup">Sign up</a></li>
{{/SIGNED_OUT}}
</ul>
</nav>
</div>
</header>
<main id="main" class="container">
{{>FLASH}}
{{>BODY}}
</main>
<footer class="site-footer">
<div class="container">
<p>Ticketing: buy and sell tickets for events.</p>
</div>
</footer>
</body>
</html>
