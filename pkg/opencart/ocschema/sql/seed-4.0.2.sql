-- Minimal data for a working shop: one language, store 0 settings, order
-- statuses, currencies, the countries and zones the demo uses, UK VAT, Cash
-- On Delivery and Flat Rate shipping. Ids follow a real install's where
-- OpenCart's own code or data refer to them (country 222, tax class 9, …).
-- {p} is the table prefix.

INSERT INTO `{p}language` (`language_id`, `name`, `code`, `locale`, `extension`, `sort_order`, `status`) VALUES
  (1, 'English', 'en-gb', 'en-gb,en', '', 1, 1);

INSERT INTO `{p}setting` (`store_id`, `code`, `key`, `value`, `serialized`) VALUES
  (0, 'config', 'config_name', 'Bridge Demo Shop', 0),
  (0, 'config', 'config_owner', 'Bridge Demo', 0),
  (0, 'config', 'config_email', 'shop@example.com', 0),
  (0, 'config', 'config_language', 'en-gb', 0),
  (0, 'config', 'config_language_admin', 'en-gb', 0),
  (0, 'config', 'config_currency', 'USD', 0),
  (0, 'config', 'config_currency_auto', '0', 0),
  (0, 'config', 'config_timezone', 'UTC', 0),
  (0, 'config', 'config_country_id', '222', 0),
  (0, 'config', 'config_zone_id', '3563', 0),
  (0, 'config', 'config_tax', '1', 0),
  (0, 'config', 'config_tax_default', 'shipping', 0),
  (0, 'config', 'config_tax_customer', 'shipping', 0),
  (0, 'config', 'config_customer_group_id', '1', 0),
  (0, 'config', 'config_customer_group_display', '["1"]', 1),
  (0, 'config', 'config_checkout_guest', '1', 0),
  (0, 'config', 'config_order_status_id', '1', 0),
  (0, 'config', 'config_processing_status', '["5","1","2","12","3"]', 1),
  (0, 'config', 'config_complete_status', '["5","3"]', 1),
  (0, 'config', 'config_fraud_status_id', '8', 0),
  (0, 'config', 'config_stock_display', '0', 0),
  (0, 'config', 'config_stock_warning', '0', 0),
  (0, 'config', 'config_stock_checkout', '0', 0),
  (0, 'config', 'config_weight_class_id', '1', 0),
  (0, 'config', 'config_length_class_id', '1', 0),
  (0, 'config', 'config_invoice_prefix', 'INV-2024-00', 0),
  (0, 'payment_cod', 'payment_cod_status', '1', 0),
  (0, 'payment_cod', 'payment_cod_sort_order', '5', 0),
  (0, 'payment_cod', 'payment_cod_order_status_id', '1', 0),
  (0, 'payment_cod', 'payment_cod_geo_zone_id', '0', 0),
  (0, 'payment_cod', 'payment_cod_total', '0.01', 0),
  (0, 'shipping_flat', 'shipping_flat_status', '1', 0),
  (0, 'shipping_flat', 'shipping_flat_sort_order', '1', 0),
  (0, 'shipping_flat', 'shipping_flat_cost', '5.00', 0),
  (0, 'shipping_flat', 'shipping_flat_tax_class_id', '9', 0),
  (0, 'shipping_flat', 'shipping_flat_geo_zone_id', '0', 0),
  (0, 'total_sub_total', 'total_sub_total_status', '1', 0),
  (0, 'total_sub_total', 'total_sub_total_sort_order', '1', 0),
  (0, 'total_shipping', 'total_shipping_status', '1', 0),
  (0, 'total_shipping', 'total_shipping_sort_order', '3', 0),
  (0, 'total_tax', 'total_tax_status', '1', 0),
  (0, 'total_tax', 'total_tax_sort_order', '5', 0),
  (0, 'total_total', 'total_total_status', '1', 0),
  (0, 'total_total', 'total_total_sort_order', '9', 0);

INSERT INTO `{p}extension` (`extension`, `type`, `code`) VALUES
  ('opencart', 'payment', 'cod'), ('opencart', 'shipping', 'flat'),
  ('opencart', 'total', 'sub_total'), ('opencart', 'total', 'shipping'),
  ('opencart', 'total', 'tax'), ('opencart', 'total', 'total');

INSERT INTO `{p}layout` (`layout_id`, `name`) VALUES (1, 'Home'), (2, 'Product'), (3, 'Category'), (4, 'Default');

INSERT INTO `{p}order_status` (`order_status_id`, `language_id`, `name`) VALUES
  (1, 1, 'Pending'), (2, 1, 'Processing'), (3, 1, 'Shipped'), (5, 1, 'Complete'), (7, 1, 'Canceled'),
  (8, 1, 'Denied'), (9, 1, 'Canceled Reversal'), (10, 1, 'Failed'), (11, 1, 'Refunded'), (12, 1, 'Reversed'),
  (13, 1, 'Chargeback'), (14, 1, 'Expired'), (15, 1, 'Processed'), (16, 1, 'Voided');

INSERT INTO `{p}stock_status` (`stock_status_id`, `language_id`, `name`) VALUES
  (5, 1, 'Out Of Stock'), (6, 1, '2-3 Days'), (7, 1, 'In Stock'), (8, 1, 'Pre-Order');

INSERT INTO `{p}customer_group` (`customer_group_id`, `approval`, `sort_order`) VALUES (1, 0, 1);
INSERT INTO `{p}customer_group_description` (`customer_group_id`, `language_id`, `name`, `description`) VALUES
  (1, 1, 'Default', '');

INSERT INTO `{p}currency` (`currency_id`, `title`, `code`, `symbol_left`, `symbol_right`, `decimal_place`, `value`, `status`, `date_modified`) VALUES
  (1, 'Pound Sterling', 'GBP', '£', '', 2, 0.79000000, 1, NOW()),
  (2, 'US Dollar', 'USD', '$', '', 2, 1.00000000, 1, NOW()),
  (3, 'Euro', 'EUR', '', '€', 2, 0.92000000, 1, NOW());

INSERT INTO `{p}weight_class` (`weight_class_id`, `value`) VALUES (1, 1), (2, 1000);
INSERT INTO `{p}weight_class_description` (`weight_class_id`, `language_id`, `title`, `unit`) VALUES
  (1, 1, 'Kilogram', 'kg'), (2, 1, 'Gram', 'g');
INSERT INTO `{p}length_class` (`length_class_id`, `value`) VALUES (1, 1), (2, 10);
INSERT INTO `{p}length_class_description` (`length_class_id`, `language_id`, `title`, `unit`) VALUES
  (1, 1, 'Centimeter', 'cm'), (2, 1, 'Millimeter', 'mm');

INSERT INTO `{p}address_format` (`address_format_id`, `name`, `address_format`) VALUES
  (1, 'Address Format', '{firstname} {lastname}\n{company}\n{address_1}\n{address_2}\n{city}, {zone} {postcode}\n{country}');

INSERT INTO `{p}country` (`country_id`, `name`, `iso_code_2`, `iso_code_3`, `address_format_id`, `postcode_required`, `status`) VALUES
  (81, 'Germany', 'DE', 'DEU', 1, 1, 1),
  (222, 'United Kingdom', 'GB', 'GBR', 1, 1, 1),
  (223, 'United States', 'US', 'USA', 1, 0, 1);
INSERT INTO `{p}zone` (`zone_id`, `country_id`, `name`, `code`, `status`) VALUES
  (1255, 81, 'Bayern', 'BY', 1), (1256, 81, 'Berlin', 'BE', 1), (1259, 81, 'Hamburg', 'HH', 1),
  (3553, 222, 'Greater London', 'LDN', 1), (3554, 222, 'Greater Manchester', 'MCH', 1), (3563, 222, 'Lancashire', 'LANCS', 1),
  (3624, 223, 'California', 'CA', 1), (3655, 223, 'New York', 'NY', 1), (3669, 223, 'Texas', 'TX', 1);

-- UK VAT on taxable goods, by the shipping address.
INSERT INTO `{p}geo_zone` (`geo_zone_id`, `name`, `description`, `date_added`, `date_modified`) VALUES
  (3, 'UK VAT Zone', 'UK VAT', NOW(), NOW());
INSERT INTO `{p}zone_to_geo_zone` (`country_id`, `zone_id`, `geo_zone_id`, `date_added`, `date_modified`) VALUES
  (222, 0, 3, NOW(), NOW());
INSERT INTO `{p}tax_class` (`tax_class_id`, `title`, `description`, `date_added`, `date_modified`) VALUES
  (9, 'Taxable Goods', 'Taxed goods', NOW(), NOW());
INSERT INTO `{p}tax_rate` (`tax_rate_id`, `geo_zone_id`, `name`, `rate`, `type`, `date_added`, `date_modified`) VALUES
  (86, 3, 'VAT (20%)', 20.0000, 'P', NOW(), NOW());
INSERT INTO `{p}tax_rate_to_customer_group` (`tax_rate_id`, `customer_group_id`) VALUES (86, 1);
INSERT INTO `{p}tax_rule` (`tax_class_id`, `tax_rate_id`, `based`, `priority`) VALUES (9, 86, 'shipping', 1);
