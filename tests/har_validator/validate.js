// Validates each HAR file named on the command line with har-validator
// (HAR 1.2 JSON schema). Prints one line per file; exit 1 if any is invalid.
'use strict';
const fs = require('fs');
const validate = require('har-validator');

async function main(files) {
  let bad = 0;
  for (const file of files) {
    try {
      const har = JSON.parse(fs.readFileSync(file, 'utf8'));
      await validate.har(har);
      console.log(`ok ${file}`);
    } catch (e) {
      bad++;
      const detail = e.errors ? JSON.stringify(e.errors) : String(e.message || e);
      console.log(`invalid ${file}: ${detail}`);
    }
  }
  return bad ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
