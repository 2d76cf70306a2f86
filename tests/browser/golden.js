// tests/browser/golden.js: the golden path of the marketplace in a real
// browser without JavaScript. Debian's chromium, driven by playwright-core
// (no browser download: executablePath), with JavaScript disabled in every
// context, walks what a person does through the forms only: an organizer
// signs in and makes a venue and an event, a seller signs up, verifies
// the address with the mailed link and lists two
// tickets for it, a buyer signs up, finds the event from the home page's
// search, opens the listing, reserves one ticket and sees the order
// awaiting payment, finds it under "My orders", pays on the sandbox
// provider's card page with its test card and sees the e-ticket.
//
// The walk is the table STEPS below: each entry names the step, the person
// whose browser takes it, what it does (run) and the texts the page must
// then show (expect). A step that throws or misses a text fails the walk
// with its number and name, the reason, the page's address and the start of
// its text, and a screenshot "NN-name-FAILED.png". After each step the page
// is saved at desktop (1280 px) and phone (390 px) width as
// "NN-name-desktop.png" and "NN-name-phone.png", and a link, button or
// field off the screen at either width (reached only by scrolling
// sideways) fails the step too. Adding a step (paying on the provider's
// page, the e-ticket) is one more entry in STEPS.
//
// Environment: TK_GOLDEN_BASE_URL (the site), TK_GOLDEN_OUT (the folder of
// the screenshots, made if missing), TK_GOLDEN_ORGANIZER_EMAIL and
// TK_GOLDEN_PASSWORD (an organizer account the caller made: only an admin
// or ticketingctl can grant the role), TK_GOLDEN_TAG (a word unique to the
// run, in every name the walk makes), TK_GOLDEN_CHROMIUM (default
// /usr/bin/chromium). Prints "ok N - name" per step; exits 0 when every
// step passed, 1 otherwise.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const BASE = (process.env.TK_GOLDEN_BASE_URL || '').replace(/\/$/, '');
const OUT = process.env.TK_GOLDEN_OUT || '';
const TAG = process.env.TK_GOLDEN_TAG || '';
const ORGANIZER = process.env.TK_GOLDEN_ORGANIZER_EMAIL || '';
const PASSWORD = process.env.TK_GOLDEN_PASSWORD || '';
const CHROMIUM = process.env.TK_GOLDEN_CHROMIUM || '/usr/bin/chromium';

// The widths every step is saved at; the walk itself runs at the first.
const WIDTHS = [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
];
// How long a page may take to answer, and how long the backbone may take
// to carry a change to the page that shows it.
const PAGE_MS = 10000;
const PROPAGATION_MS = 20000;

// What the walk makes, shared by the steps.
const day = new Date(Date.now() + 30 * 86400 * 1000).toISOString().slice(0, 10);
const W = {
  venue: `Hall ${TAG}`,
  event: `Golden ${TAG}`,
  startsAt: `${day}T19:30`,
  endsAt: `${day}T22:30`,
  seller: { name: `Seller ${TAG}`, email: `seller-${TAG}@example.com` },
  buyer: { name: `Buyer ${TAG}`, email: `buyer-${TAG}@example.com` },
  userPassword: 'correct-horse-battery-1',
  price: '25.50',
  priceShown: '€25.50',
};

// --- what a person does in a page -----------------------------------------

// submit(page, selector): click the submit button SELECTOR and wait for the
// page the form's answer leads to.
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ timeout: PAGE_MS }), page.click(selector)]);
}

// fill(page, fields): type each value into the field with that id.
async function fill(page, fields) {
  for (const [id, value] of Object.entries(fields))
    await page.fill(`#${id}`, value);
}

// follow(page, name): click the link whose text is NAME and wait for its page.
async function follow(page, name) {
  await submit(page, `a:text-is("${name}")`);
}

// open(page, where): load a path of the site.
async function open(page, where) {
  const answer = await page.goto(BASE + where, { timeout: PAGE_MS });
  if (!answer || answer.status() >= 400)
    throw new Error(`GET ${where} answered ${answer ? answer.status() : 'nothing'}`);
}

// text(page): what the page shows, as a person reads it.
async function text(page) {
  return page.locator('body').innerText();
}

// reloadUntil(page, wanted): load the page again until it shows WANTED
// (what another service learns through the backbone), for at most
// PROPAGATION_MS.
async function reloadUntil(page, wanted) {
  const end = Date.now() + PROPAGATION_MS;
  while (!(await text(page)).includes(wanted)) {
    if (Date.now() > end)
      throw new Error(`"${wanted}" did not appear within ${PROPAGATION_MS} ms`);
    await new Promise((done) => setTimeout(done, 250));
    await page.reload({ timeout: PAGE_MS });
  }
}

// signUp(page, person): the sign-up form, filled in as PERSON.
async function signUp(page, person) {
  await open(page, '/');
  await follow(page, 'Sign up');
  await fill(page, { name: person.name, email: person.email, password: W.userPassword });
  await submit(page, 'main button[type=submit]');
}

// --- the walk ---------------------------------------------------------------

// Each step: name, who (the person whose browser it uses), run(page, state),
// expect (texts the page shows afterwards). state carries what one step
// learns for the next (ids, addresses).
const STEPS = [
  {
    name: 'organizer signs in', who: 'organizer',
    run: async (page) => {
      await open(page, '/auth/signin');
      await fill(page, { email: ORGANIZER, password: PASSWORD });
      await submit(page, 'main button[type=submit]');
    },
    expect: ['Signed in as'],
  },
  {
    name: 'organizer adds a venue', who: 'organizer',
    run: async (page, state) => {
      await open(page, '/venues/new');
      await fill(page, { name: W.venue, city: 'Lyon', address: '1 quai du Rhône',
        capacity: '400', timezone: 'Europe/Paris' });
      await submit(page, 'main form[method=post] button[type=submit]');
      state.venueId = new URL(page.url()).hash.replace(/^#venue-/, '');
      // The list is by city, 50 a page: find the new venue by its name.
      await fill(page, { q: W.venue });
      await submit(page, 'main form[role=search] button[type=submit]');
    },
    expect: ['Venues 1 to 1 of 1', W.venue, 'Create an event here'],
  },
  {
    name: 'organizer creates the event', who: 'organizer',
    run: async (page, state) => {
      await submit(page, `[id="venue-${state.venueId}"] a:text-is("Create an event here")`);
      await fill(page, { name: W.event, starts_at: W.startsAt, ends_at: W.endsAt,
        description: 'An evening of the golden path.' });
      await submit(page, 'main form[method=post] button[type=submit]');
      state.eventPath = new URL(page.url()).pathname;
    },
    expect: [W.event, W.venue, 'No tickets listed yet'],
  },
  {
    name: 'seller signs up', who: 'seller',
    run: (page) => signUp(page, W.seller),
    expect: [`Signed in as ${W.seller.name}`],
  },
  {
    // The link of the verification mail: test_golden.sh's account_token
    // opens it from auth's account_token.issued, as the notifications
    // worker does. Listing needs a verified address.
    name: 'seller verifies the address', who: 'seller',
    run: async (page) => {
      const token = execFileSync('bash', ['-c', 'account_token "$1" verify_email', 'golden',
        W.seller.email]).toString().trim();
      await open(page, `/auth/email/verify?token=${token}`);
    },
    expect: ['Address verified'],
  },
  {
    name: 'seller lists two tickets', who: 'seller',
    run: async (page, state) => {
      await open(page, state.eventPath);
      await follow(page, 'Sell tickets for this event');
      // The tickets service knows the event once the backbone brought it.
      await reloadUntil(page, 'Price of one ticket');
      await fill(page, { section: 'Balcony', row: 'C', seat: '11-12', quantity: '2',
        price: W.price, note: 'Two seats side by side.' });
      await submit(page, 'main form[method=post] button[type=submit]');
      state.listingPath = new URL(page.url()).pathname;
    },
    expect: [`Tickets for ${W.event}`, W.priceShown, 'Your listing', 'Withdraw these tickets'],
  },
  {
    name: 'buyer signs up', who: 'buyer',
    run: (page) => signUp(page, W.buyer),
    expect: [`Signed in as ${W.buyer.name}`],
  },
  {
    name: 'buyer finds the event from the home page', who: 'buyer',
    run: async (page) => {
      await open(page, '/');
      await fill(page, { q: TAG });
      await submit(page, 'form[role=search] button[type=submit]');
    },
    expect: [W.event, 'Lyon'],
  },
  {
    name: 'buyer opens the event', who: 'buyer',
    run: async (page) => {
      await follow(page, W.event);
      // The catalogue shows the listing once its stock reached it.
      await reloadUntil(page, 'See and buy');
    },
    expect: [W.event, W.priceShown, 'Balcony', 'See and buy'],
  },
  {
    name: 'buyer opens the listing', who: 'buyer',
    run: (page) => follow(page, 'See and buy'),
    expect: [`Tickets for ${W.event}`, W.priceShown, '2 tickets', 'Number of tickets', 'Reserve'],
  },
  {
    name: 'buyer reserves a ticket', who: 'buyer',
    run: async (page, state) => {
      await fill(page, { 'buy-quantity': '1' });
      await submit(page, 'form[action="/orders"] button[type=submit]');
      state.orderPath = new URL(page.url()).pathname;
    },
    expect: ['Reserved, awaiting payment', W.event, W.priceShown, 'Pay by', 'Cancel the order'],
  },
  {
    name: 'buyer sees the order among their orders', who: 'buyer',
    run: (page) => follow(page, 'My orders'),
    expect: [W.event, 'Section Balcony, row C', 'Reserved, awaiting payment', W.priceShown],
  },
  {
    name: 'buyer goes to the card page', who: 'buyer',
    run: async (page, state) => {
      await open(page, state.orderPath);
      await submit(page, 'form[action="/payments"] button[type=submit]');
    },
    expect: ['Sandbox', 'Card number', `Pay ${W.priceShown}`],
  },
  {
    name: 'buyer pays with the test card', who: 'buyer',
    run: async (page) => {
      await fill(page, { card_number: '4242 4242 4242 4242', card_expiry: '12/39',
        card_cvc: '123', card_name: W.buyer.name });
      await submit(page, 'main button[type=submit]');
      // The return page says "still processing" until the webhook is in.
      await reloadUntil(page, 'Paid');
    },
    expect: ['Paid', 'Your order'],
  },
  {
    name: 'buyer sees the e-ticket', who: 'buyer',
    run: async (page, state) => {
      await open(page, state.orderPath);
      await reloadUntil(page, 'Your e-tickets');
    },
    expect: ['Paid', 'Your e-tickets', W.event, 'Balcony', W.buyer.name],
  },
];

// --- the runner ---------------------------------------------------------------

// offScreen(page, width): the links, buttons and fields a person cannot
// reach at WIDTH without scrolling sideways (past the right edge of the
// screen, or of a table scrolled inside its box), named by their text.
async function offScreen(page, width) {
  return page.evaluate((w) => [...document.querySelectorAll('a, button, input, select, textarea')]
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.right > w + 0.5;
    })
    .map((e) => (e.innerText || e.name || e.tagName).replace(/\s+/g, ' ').trim().slice(0, 40)), width);
}

// shoot(page, stem): save the whole page at every width as STEM-WIDTH.png,
// then give the page back its first width. Returns what is wrong at a
// width (a control off the screen), or null.
async function shoot(page, stem) {
  let wrong = null;
  for (const [label, size] of WIDTHS) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(OUT, `${stem}-${label}.png`), fullPage: true });
    const off = await offScreen(page, size.width);
    if (off.length > 0 && !wrong)
      wrong = `at ${size.width} px, off the screen: "${off.slice(0, 5).join('", "')}" (${stem}-${label}.png)`;
  }
  await page.setViewportSize(WIDTHS[0][1]);
  return wrong;
}

// missing(page, texts): the first of TEXTS the page does not show, or null.
async function missing(page, texts) {
  const shown = await text(page);
  return texts.find((t) => !shown.includes(t)) || null;
}

async function main() {
  for (const [name, value] of [['TK_GOLDEN_BASE_URL', BASE], ['TK_GOLDEN_OUT', OUT],
    ['TK_GOLDEN_TAG', TAG], ['TK_GOLDEN_ORGANIZER_EMAIL', ORGANIZER],
    ['TK_GOLDEN_PASSWORD', PASSWORD]]) {
    if (!value) throw new Error(`${name} is not set`);
  }
  fs.mkdirSync(OUT, { recursive: true });
  // As root chromium refuses to start without --no-sandbox; the other
  // switches are in docs/PITFALLS.md ("Browsers").
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 30000,
  });
  const pages = {};
  const state = {};
  let failed = 0;
  try {
    for (const [i, step] of STEPS.entries()) {
      const stem = `${String(i + 1).padStart(2, '0')}-${step.name.replace(/[^a-z0-9]+/gi, '-')}`;
      if (!pages[step.who]) {
        const context = await browser.newContext({ javaScriptEnabled: false,
          viewport: WIDTHS[0][1], locale: 'en-GB' });
        pages[step.who] = await context.newPage();
        pages[step.who].setDefaultTimeout(PAGE_MS);
      }
      const page = pages[step.who];
      let why = null;
      try {
        await step.run(page, state);
        const absent = await missing(page, step.expect);
        if (absent) why = `the page does not say "${absent}"`;
        else why = await shoot(page, stem);
      } catch (e) {
        why = e.message.split('\n')[0];
      }
      if (why) {
        failed = 1;
        console.log(`not ok ${i + 1} - ${step.name}: ${why}`);
        console.log(`   page: ${page.url()}`);
        const shown = await text(page).catch(() => '');
        console.log(shown.slice(0, 1500).replace(/^/gm, '   | '));
        await page.screenshot({ path: path.join(OUT, `${stem}-FAILED.png`), fullPage: true })
          .catch(() => {});
        console.log(`   screenshot: ${path.join(OUT, `${stem}-FAILED.png`)}`);
        break;
      }
      console.log(`ok ${i + 1} - ${step.name}`);
    }
  } finally {
    await browser.close();
  }
  return failed;
}

main().then((failed) => process.exit(failed), (e) => {
  console.log(`not ok - the walk could not run: ${e.message}`);
  process.exit(1);
});
